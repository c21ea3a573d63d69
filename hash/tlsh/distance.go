package tlsh

// Distance returns the distance between the inputs of a and b, as
// libtlsh's totalDiff with the length term (the number `tlsh -c` prints):
// 0 for equal digests, larger for less similar inputs, with no upper bound
// beyond what 35 bytes can differ by (a few thousand).
func Distance(a, b Digest) int { return distance(a, b, true) }

// DistanceNoLength is [Distance] without the term for the inputs' lengths
// (`tlsh -c -xlen`), for comparing files of different sizes.
func DistanceNoLength(a, b Digest) int { return distance(a, b, false) }

func distance(a, b Digest, withLength bool) int {
	d := 0
	if withLength {
		switch l := modDiff(int(a.Length), int(b.Length), 256); l {
		case 0:
		case 1:
			d = 1
		default:
			d += l * 12
		}
	}
	for _, q := range [2][2]byte{{a.Q1Ratio, b.Q1Ratio}, {a.Q2Ratio, b.Q2Ratio}} {
		if x := modDiff(int(q[0]&15), int(q[1]&15), 16); x <= 1 {
			d += x
		} else {
			d += (x - 1) * 12
		}
	}
	if a.Checksum != b.Checksum {
		d++
	}
	for i := range bodySize {
		d += int(pairDiff[a.Body[i]][b.Body[i]])
	}
	return d
}

// modDiff is the distance between x and y on a circle of r points.
func modDiff(x, y, r int) int {
	dl := x - y
	if dl < 0 {
		dl = -dl
	}
	return min(dl, r-dl)
}

// pairDiff[x][y] sums, over the four 2-bit buckets of x and y, their
// difference, counting 6 for the farthest pair (0 and 3).
var pairDiff = func() (t [256][256]byte) {
	for x := range 256 {
		for y := range 256 {
			var s byte
			for j := 0; j < 8; j += 2 {
				a, b := (x>>j)&3, (y>>j)&3
				d := a - b
				if d < 0 {
					d = -d
				}
				if d == 3 {
					d = 6
				}
				s += byte(d)
			}
			t[x][y] = s
		}
	}
	return t
}()

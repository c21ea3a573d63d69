package detect

import (
	"slices"
	"sync"
)

// behaviorIdx indexes the behaviour table by API base name, in flat
// arrays: an import's base name hashes (baseBit) to a run of refs, most
// often empty, with no map lookup and no string hashing.
type behaviorIdx struct {
	refs   []apiRef             // sorted by the baseBit of their base name, table order within
	bucket [baseBits + 1]uint16 // refs[bucket[k]:bucket[k+1]] are those whose base name hashes to k
	// filter has bit k set when bucket k is not empty: 128 bytes that rule
	// out most imports without touching bucket.
	filter [baseBits / 64]uint64
	slots  int // APIs in the table (every API of every group has a slot)
	groups int // groups in the table, numbered in table order
	// groupOf is each slot's group; firstGroup each rule's first group
	// (and, at the end, the number of groups); groupMin each group's Min
	// (at least 1): the rows are checked from these few compact arrays,
	// without reading the table's scattered group slices.
	groupOf    []int
	firstGroup []int
	groupMin   []int
}

// baseBits is the number of hash values of base names (a power of two).
const baseBits = 1024

// baseBit hashes a base name from its length and three of its bytes.
func baseBit(b string) uint {
	if b == "" {
		return 0
	}
	h := uint(len(b))*0x9e37 ^ uint(b[0])<<3 ^ uint(b[len(b)-1])*131 ^ uint(b[len(b)/2])*31
	return h & (baseBits - 1)
}

// lookup returns the refs whose base name hashes as b's: a superset of
// those named b (apiName.matches tells them apart).
func (idx *behaviorIdx) lookup(b string) []apiRef {
	k := baseBit(b)
	if idx.filter[k/64]&(1<<(k%64)) == 0 {
		return nil
	}
	return idx.refs[idx.bucket[k]:idx.bucket[k+1]]
}

// behaviorIndex is built on first use.
var behaviorIndex = sync.OnceValue(func() *behaviorIdx {
	idx := &behaviorIdx{firstGroup: make([]int, len(behaviorRules)+1)}
	for ri, r := range behaviorRules {
		idx.firstGroup[ri] = idx.groups
		for _, g := range r.Groups {
			idx.groupMin = append(idx.groupMin, max(g.Min, 1))
			for _, api := range g.APIs {
				idx.refs = append(idx.refs, apiRef{rule: ri, slot: idx.slots, api: parseAPI(api)})
				idx.groupOf = append(idx.groupOf, idx.groups)
				idx.slots++
			}
			idx.groups++
		}
	}
	idx.firstGroup[len(behaviorRules)] = idx.groups
	slices.SortStableFunc(idx.refs, func(a, b apiRef) int { return int(baseBit(a.api.base)) - int(baseBit(b.api.base)) })
	for _, ref := range idx.refs {
		k := baseBit(ref.api.base)
		idx.bucket[k+1]++
		idx.filter[k/64] |= 1 << (k % 64)
	}
	for k := 1; k <= baseBits; k++ {
		idx.bucket[k] += idx.bucket[k-1]
	}
	return idx
})

package stats

// Every limit of the package, each with the reason for its value. Input that
// breaks one is rejected with [RejectTooLarge] or [RejectOutOfRange]; a state
// blob that breaks one is [ErrCorruptState].
const (
	// MaxLineBytes bounds one JSON Lines record. A real sample is about
	// 1–4 KiB; 1 MiB leaves room for a few hundred modules with long names
	// while keeping a hostile stream from growing the line buffer without end.
	MaxLineBytes = 1 << 20

	// MaxStringBytes bounds every string in a sample. Windows command lines
	// are limited to 32,767 UTF-16 units, which is at most 96 KiB of UTF-8;
	// 32 KiB keeps all real paths and nearly all command lines.
	MaxStringBytes = 32 << 10

	// MaxModules bounds the modules listed in one sample. Processes load
	// a few hundred DLLs at most, and the thread list names far fewer.
	MaxModules = 1024

	// MaxCPUs is the largest logical processor count a sample may declare
	// in machine.cpus (Windows Server supports up to 2,048, but a process
	// sees at most 1,024 in practice). Without machine.cpus, percentages are
	// checked against 100 × MaxCPUs.
	MaxCPUs = 1024

	// MaxSamplesPerParticipant bounds one participant's accepted samples
	// for one file (2^31). It keeps per-participant counters inside 32 bits
	// after a merge of two full states, and 128-bit sums exact.
	MaxSamplesPerParticipant = 1 << 31

	// maxDepth bounds JSON nesting in a sample line; the format needs 4.
	maxDepth = 32
)

package rsrc

// Every cap this package applies lives here, each with the reason for its
// value. Decoders never size an allocation from a count read from the input:
// they clamp counts by the bytes actually present and by these caps.
const (
	// maxAnomalies caps the anomalies kept per decode. A hostile blob can be
	// odd at every node; after this many the verdict is clear and the list
	// would only cost memory.
	maxAnomalies = 256

	// maxVersionNodes caps the VS_VERSIONINFO nodes visited in one resource.
	// A real resource has ~20–40 (root, StringFileInfo, VarFileInfo, a
	// StringTable or a few, 10–20 Strings each); wLength is a WORD, so a
	// well-formed tree is under 64 KiB and could hold at most ~8000 minimal
	// nodes. 4096 leaves room for files with dozens of languages.
	maxVersionNodes = 4096

	// maxVersionDepth is the deepest node level decoded: root (0) →
	// StringFileInfo/VarFileInfo (1) → StringTable/Var (2) → String (3).
	// Nothing deeper exists in the format; deeper nodes are kept raw.
	maxVersionDepth = 3

	// maxMUITypes caps each MUI type list (names or IDs). There are ~25
	// predefined resource types and a handful of named ones in real files;
	// 4096 is far beyond any real list and bounds a hostile one.
	maxMUITypes = 4096

	// maxMessageBlocks caps MESSAGE_RESOURCE_BLOCKs. Windows' largest message
	// tables (ntdll, kernelbase, netmsg) have a few hundred blocks.
	maxMessageBlocks = 65536

	// maxMessages caps the messages decoded from one RT_MESSAGETABLE. Real
	// tables hold a few thousand entries (the system error table ~2800).
	maxMessages = 1 << 18

	// messageWorkFactor bounds the entry bytes decoded from one message
	// table to messageWorkFactor × len(resource) + messageWorkSlack. A
	// well-formed table decodes each entry byte once; blocks whose ranges
	// point at the same entries over and over (work quadratic in the input)
	// hit this cap instead.
	messageWorkFactor = 4
	messageWorkSlack  = 1 << 16

	// maxErrors caps the errors joined into one return value.
	maxErrors = 16

	// maxIndirectLen caps the length of an indirect string. Registry string
	// values used for MUI redirection are paths plus an ID; 32767 is the
	// longest Windows path (UNICODE_STRING limit in UTF-16 units).
	maxIndirectLen = 32767

	// maxExpandedLen caps the result of variable expansion, which could
	// otherwise grow geometrically with values that reference long text.
	// Windows' own ExpandEnvironmentStrings limit is 32 KiB characters.
	maxExpandedLen = 32767
)

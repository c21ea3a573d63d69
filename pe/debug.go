package pe

import "fmt"

// DebugEntry is one debug directory entry. PDBPath, GUID and Age are set
// for CodeView (RSDS) entries: they name the program database the linker
// wrote, which ties a binary to its build.
type DebugEntry struct {
	Type          string `json:"type"`
	TimeDateStamp uint32 `json:"time_date_stamp,omitempty"`
	PDBPath       string `json:"pdb_path,omitempty"`
	GUID          string `json:"guid,omitempty"`
	Age           uint32 `json:"age,omitempty"`
}

// guidString formats a GUID the way Windows does:
// {xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx} without braces, upper case.
func guidString(d1 uint32, d2, d3 uint16, d4 [8]byte) string {
	return fmt.Sprintf("%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X",
		d1, d2, d3, d4[0], d4[1], d4[2], d4[3], d4[4], d4[5], d4[6], d4[7])
}

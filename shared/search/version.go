package search

import "strings"

// CompatibleVersion reports whether an index stored with version (as a snapshot's manifest
// records it) was built with this program's mapping, whatever its protected words: such
// an index can be searched and written by this program.
func CompatibleVersion(version string) bool {
	return strings.HasPrefix(version, mappingVersion+"/")
}

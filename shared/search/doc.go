// Package search is the full-text search of Wissensnetz: the bleve index of entries with its
// German analysis, the queries behind the search box and the listings, facet counts and
// highlighted snippets.
//
// The index is derived data. One writer keeps it in step with the store through Apply and
// can build it anew from a scan of all entries with Rebuild; any number of readers search it
// at the same time.
package search

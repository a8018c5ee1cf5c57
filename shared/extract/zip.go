package extract

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// safeZip is a zip archive whose directory passed the zip-bomb limits and whose entries
// are read within them again, since the sizes in the directory may lie.
type safeZip struct {
	zr     *zip.Reader
	byName map[string]*zip.File
	l      Limits
	read   int64 // uncompressed bytes read so far, against l.ZipTotalSize
}

// ratioFloor is the uncompressed size above which an entry's compression ratio is
// checked: small XML files compress well and harmlessly.
const ratioFloor = 1 << 20

func openZip(r io.ReaderAt, size int64, l Limits) (*safeZip, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil && err != zip.ErrInsecurePath {
		return nil, corrupt("", fmt.Errorf("zip: %w", err))
	}
	if len(zr.File) > l.ZipEntries {
		return nil, tooLarge("", "zip: %d entries, more than %d", len(zr.File), l.ZipEntries)
	}
	z := &safeZip{zr: zr, byName: make(map[string]*zip.File, len(zr.File)), l: l}
	var total uint64
	for _, f := range zr.File {
		u, c := f.UncompressedSize64, f.CompressedSize64
		total += u
		if total > uint64(l.ZipTotalSize) || u > uint64(l.ZipTotalSize) {
			return nil, tooLarge("", "zip: entries add up to more than %d bytes", l.ZipTotalSize)
		}
		if u > ratioFloor && (c == 0 || u/c > uint64(l.ZipRatio)) {
			return nil, tooLarge("", "zip: entry %q expands %d bytes to %d", f.Name, c, u)
		}
		if _, dup := z.byName[f.Name]; !dup {
			z.byName[f.Name] = f
		}
	}
	return z, nil
}

// file returns the entry of the given name, or nil.
func (z *safeZip) file(name string) *zip.File { return z.byName[name] }

// open opens an entry for reading. The reader fails with ErrTooLarge once it yields
// more than the entry's declared size, max, ZipEntrySize or what is left of
// ZipTotalSize, whichever is least.
func (z *safeZip) open(f *zip.File, max int64) (io.ReadCloser, error) {
	limit := min(max, z.l.ZipEntrySize, z.l.ZipTotalSize-z.read)
	if f.UncompressedSize64 > uint64(limit) {
		return nil, tooLarge("", "zip: entry %q of %d bytes over the limit of %d", f.Name, f.UncompressedSize64, limit)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, corrupt("", fmt.Errorf("zip: open %q: %w", f.Name, err))
	}
	return &boundedEntry{rc: rc, z: z, name: f.Name, left: int64(f.UncompressedSize64)}, nil
}

// readAll reads a whole entry of at most max bytes.
func (z *safeZip) readAll(f *zip.File, max int64) ([]byte, error) {
	rc, err := z.open(f, max)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		return nil, err
	}
	return b, nil
}

type boundedEntry struct {
	rc   io.ReadCloser
	z    *safeZip
	name string
	left int64
}

func (b *boundedEntry) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// Nothing more may come: probe for a byte beyond the declared size.
		var one [1]byte
		n, err := b.rc.Read(one[:])
		if n > 0 || errors.Is(err, zip.ErrFormat) {
			// archive/zip itself reports data beyond the declared size as ErrFormat.
			return 0, tooLarge("", "zip: entry %q is larger than its directory says", b.name)
		}
		if err == nil {
			err = io.ErrNoProgress
		}
		return 0, b.wrap(err)
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	b.z.read += int64(n)
	return n, b.wrap(err)
}

func (b *boundedEntry) wrap(err error) error {
	if err == nil || err == io.EOF {
		return err
	}
	if _, ok := err.(*Error); ok {
		return err
	}
	return corrupt("", fmt.Errorf("zip: read %q: %w", b.name, err))
}

func (b *boundedEntry) Close() error { return b.rc.Close() }

// resolve returns the zip name of a relationship target given relative to the part
// base, or "" for a target outside the archive.
func resolve(base, target string) string {
	if strings.Contains(target, "://") {
		return ""
	}
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	p := path.Join(path.Dir(base), target)
	if strings.HasPrefix(p, "../") || p == ".." {
		return ""
	}
	return p
}

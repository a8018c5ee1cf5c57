package search

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/klauspost/compress/zstd"
)

// The encodings of a file's content in the blob store (SnapshotFile.Encoding).
const (
	encodingNone = ""     // as is
	encodingZstd = "zstd" // one or more zstd frames with checksums
)

// snapshotZstdLevel is the zstd level Publish compresses files with. On the synthetic
// corpus the default level stores segment files in about 8 % fewer bytes than the fastest
// one, but compresses about a third slower and decompresses no faster (see
// BenchmarkSnapshotCompression and docs/benchmarks.md).
const snapshotZstdLevel = zstd.SpeedFastest

// uploadFile uploads the file at path to f.Key, zstd-compressed, and sets the size and
// digest of its content and the bytes stored. The file is compressed while it is sent,
// never held in memory whole.
func uploadFile(ctx context.Context, blobs SnapshotBlobs, path string, f *SnapshotFile) error {
	in, err := os.Open(path)
	if err != nil {
		return err
	}
	defer in.Close()

	// The encoder writes into a pipe that PutBlob reads from.
	pr, pw := io.Pipe()
	h := sha256.New()
	var size int64
	done := make(chan error, 1)
	go func() {
		err := func() error {
			enc, err := zstd.NewWriter(pw, zstd.WithEncoderLevel(snapshotZstdLevel), zstd.WithEncoderConcurrency(1))
			if err != nil {
				return err
			}
			n, err := io.Copy(enc, io.TeeReader(in, h))
			size = n
			if err != nil {
				enc.Close()
				return err
			}
			return enc.Close()
		}()
		pw.CloseWithError(err) // the upload reads EOF, or the encoder's error
		done <- err
	}()
	stored := &countingReader{r: pr}
	putErr := blobs.PutBlob(ctx, f.Key, stored, "application/octet-stream")
	pr.CloseWithError(errUploadEnded) // unblocks the encoder if PutBlob stopped reading
	encErr := <-done
	switch {
	case putErr != nil:
		return fmt.Errorf("upload %s: %w", f.Name, putErr)
	case encErr != nil:
		return fmt.Errorf("upload %s: compress: %w", f.Name, encErr)
	}
	info, err := in.Stat()
	if err != nil {
		return err
	}
	if size != info.Size() {
		return fmt.Errorf("upload %s: read %d bytes of %d", f.Name, size, info.Size())
	}
	f.Size, f.SHA256 = size, hex.EncodeToString(h.Sum(nil))
	f.Encoding, f.Stored = encodingZstd, stored.n
	return nil
}

// errUploadEnded is what the encoder of an upload gets if it writes after the upload ended.
var errUploadEnded = errors.New("upload ended")

// decodedContent returns the content of f from r, which reads its stored bytes,
// decompressed as the encoding of f says, and a reader that counts the stored bytes read.
// Reading the content to EOF reads the stored bytes to their end, or one byte past it, so
// that trailing data shows in the count. close releases the decoder.
func decodedContent(r io.Reader, f SnapshotFile) (content io.Reader, stored *countingReader, close func(), err error) {
	stored = &countingReader{r: io.LimitReader(r, f.stored()+1)}
	switch f.Encoding {
	case encodingNone:
		return stored, stored, func() {}, nil
	case encodingZstd:
		dec, err := zstd.NewReader(stored, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, nil, nil, err
		}
		return &decodeErrors{r: dec}, stored, dec.Close, nil
	default:
		return nil, nil, nil, fmt.Errorf("unknown encoding %q", f.Encoding)
	}
}

// decodeErrors marks the errors of a decompressing reader as such.
type decodeErrors struct{ r io.Reader }

func (d *decodeErrors) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("decompress: %w", err)
	}
	return n, err
}

package app

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/extract"
	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/text"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Direct uploads and downloads (AWS): API Gateway and Lambda cannot carry large bodies, so
// browsers send files straight to S3 with a presigned POST and fetch them with a presigned
// GET. An upload lands under uploads/<entry>/<user>/<upload>/, a prefix only the policy
// the App signed for that user allows; ConfirmUploads then checks the file exactly as a
// local upload (size, format by content, scanner), stores it under attachments/ and saves
// the entry. Leftover uploads expire by the bucket's lifecycle rule (template.yaml).

// Limits of direct uploads.
const (
	// uploadExpiry is how long a signed upload form may be sent.
	uploadExpiry = 15 * time.Minute
	// downloadExpiry is how long a signed download address is valid.
	downloadExpiry = 5 * time.Minute
	// uploadPrefix is where browsers put uploads, until they are confirmed.
	uploadPrefix = "uploads/"
	// uploadNameField is what S3 replaces with the name of the file sent in a form.
	uploadNameField = "${filename}"
)

// GuardDutyScanTag is the object tag in which GuardDuty Malware Protection for S3 writes
// the result of its scan.
const GuardDutyScanTag = "GuardDutyMalwareScanStatus"

// The values of GuardDutyScanTag.
const (
	ScanClean        = "NO_THREATS_FOUND"
	ScanThreatsFound = "THREATS_FOUND"
)

// guardDutyName names the scanner when Files.MalwareTags is set.
const guardDutyName = "GuardDuty Malware Protection for S3"

// DirectUpload is what a browser or script needs to send files of an entry straight to
// the blob store: two signed forms for the same key prefix.
type DirectUpload struct {
	// Entry is the entry the files are for.
	Entry *wiki.Entry
	// Form is for the HTML form: the fields go before the file input, which comes last;
	// after the upload the store sends the browser to the confirmation page (303).
	Form *store.PresignedPost
	// Script is for uploads by script (the page's own and API clients): the key field
	// is KeyPrefix followed by a name the script chooses (a file name, or "2/" and a
	// file name for several files of the same name); the store answers 204, and the
	// script confirms with the keys it chose.
	Script *store.PresignedPost
	// KeyPrefix is what every key of this upload starts with.
	KeyPrefix string
	// MaxSize is the largest file the store takes, in bytes.
	MaxSize int64
	// Expires is when the forms can no longer be sent.
	Expires time.Time
}

// directBlobs returns the blob store as one browsers reach directly, or nil in local
// mode.
func (a *App) directBlobs() store.DirectBlobs {
	d, _ := a.stores.Blobs.(store.DirectBlobs)
	return d
}

// DirectUploads reports whether files are uploaded straight to the blob store (AWS)
// rather than through the server.
func (a *App) DirectUploads() bool { return a.directBlobs() != nil }

// DirectUpload returns signed upload forms for files of the entry with the given slug,
// if v may edit it. In local mode, where files go through the server, it returns nil
// and no error. Returns ENOTFOUND and EFORBIDDEN as Entry and the edit permission do.
func (a *App) DirectUpload(ctx context.Context, v auth.Viewer, slug string) (*DirectUpload, error) {
	d := a.directBlobs()
	if d == nil {
		return nil, nil
	}
	e, err := a.Entry(ctx, v, slug)
	if err != nil {
		return nil, err
	}
	if err := auth.Require(v, auth.EditEntry, e); err != nil {
		return nil, err
	}
	if err := a.limit(&a.uploads, v, "limit.files"); err != nil {
		return nil, err
	}
	prefix := uploadPrefix + e.ID + "/" + v.User.ID + "/" + newID(a.clock()) + "/"
	max := a.files.conf.maxFile()
	policy := store.PostPolicy{KeyPrefix: prefix, Key: prefix + uploadNameField, MinSize: 1, MaxSize: max, Expiry: uploadExpiry,
		Redirect: a.baseURL + "/eintraege/" + url.PathEscape(e.Slug) + "/dateien/bestaetigen"}
	form, err := d.PresignPost(ctx, policy)
	if err != nil {
		return nil, err
	}
	policy.Redirect = ""
	script, err := d.PresignPost(ctx, policy)
	if err != nil {
		return nil, err
	}
	return &DirectUpload{Entry: e, Form: form, Script: script, KeyPrefix: prefix, MaxSize: max, Expires: form.Expires}, nil
}

// UploadedFile is a file a browser or script sent to the blob store, to be added to its
// entry.
type UploadedFile struct {
	Key         string // where the store put it, under the DirectUpload's KeyPrefix
	Name        string // the file's name, from the key; "" when the store did not replace ${filename}
	Title       string
	Description string
}

// parseUploadKey returns the entry, uploader and file name of a key under uploadPrefix.
func parseUploadKey(key string) (entryID, userID, name string, ok bool) {
	rest, found := strings.CutPrefix(key, uploadPrefix)
	parts := strings.Split(rest, "/")
	if !found || len(parts) < 4 || store.CheckBlobKey(key) != nil {
		return "", "", "", false
	}
	name = parts[len(parts)-1]
	if name == uploadNameField { // a store that keeps ${filename} as it is (versitygw)
		name = ""
	}
	return parts[0], parts[1], name, true
}

// UploadsToConfirm returns the uploads under keys as files to confirm, with their names as
// titles, and the entry with the given slug, if v may edit it and every key is an upload
// of v for this entry. Returns ENOTFOUND and EFORBIDDEN as Entry and the edit permission
// do, and EINVALID for any other key.
func (a *App) UploadsToConfirm(ctx context.Context, v auth.Viewer, slug string, keys []string) (*wiki.Entry, []UploadedFile, error) {
	e, err := a.Entry(ctx, v, slug)
	if err != nil {
		return nil, nil, err
	}
	if err := auth.Require(v, auth.EditEntry, e); err != nil {
		return nil, nil, err
	}
	files, err := a.uploadsOf(e, v, keys)
	if err != nil {
		return nil, nil, err
	}
	for i := range files {
		files[i].Title = strings.TrimSuffix(files[i].Name, pathExt(files[i].Name))
	}
	return e, files, nil
}

// uploadsOf returns the uploads under keys if they all are v's for entry e.
func (a *App) uploadsOf(e *wiki.Entry, v auth.Viewer, keys []string) ([]UploadedFile, error) {
	if a.directBlobs() == nil || len(keys) == 0 || len(keys) > wiki.MaxAttachments {
		return nil, wiki.FieldError(wiki.EINVALID, "files", "files.upload_unknown")
	}
	files := make([]UploadedFile, 0, len(keys))
	seen := map[string]bool{}
	for _, k := range keys {
		entryID, userID, name, ok := parseUploadKey(k)
		if !ok || entryID != e.ID || v.User == nil || userID != v.User.ID || seen[k] {
			return nil, wiki.FieldError(wiki.EINVALID, "files", "files.upload_unknown")
		}
		seen[k] = true
		files = append(files, UploadedFile{Key: k, Name: name})
	}
	return files, nil
}

// pathExt returns the extension of a file name, "" for a name that is only one.
func pathExt(name string) string {
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		return name[i:]
	}
	return ""
}

// ConfirmUploads adds the files that v uploaded straight to the blob store to the entry
// with the given slug, as one new version; version is the version the editor started
// from. Each file is read back from the store (at most the size limit, into a temporary
// file) and checked like a local upload: its size as stored, its format by its content,
// the malware scanner if one is configured. Neither the name's extension nor the type
// the browser claimed counts. The uploads are removed once the entry is saved.
//
// Returns ENOTFOUND and EFORBIDDEN as Entry and the edit permission do, ECONFLICT if
// someone saved in between, EINVALID for a key that is not an upload of v for this
// entry, for an upload no longer there and for a refused file, ETOOLARGE for a file over
// a limit; then nothing is saved.
func (a *App) ConfirmUploads(ctx context.Context, v auth.Viewer, slug string, version int, uploaded []UploadedFile, comment string) (*wiki.Entry, error) {
	d := a.directBlobs()
	e, err := a.Entry(ctx, v, slug)
	if err != nil {
		return nil, err
	}
	if err := auth.Require(v, auth.EditEntry, e); err != nil {
		return nil, err
	}
	keys := make([]string, len(uploaded))
	for i, u := range uploaded {
		keys[i] = u.Key
	}
	files, err := a.uploadsOf(e, v, keys)
	if err != nil {
		return nil, err
	}
	if version != e.Version {
		return nil, conflict()
	}
	// What the entry may still take bounds what is read into temporary files (on Lambda,
	// /tmp also holds the search index): never more than the limit of all its files.
	budget := a.files.conf.maxEntry()
	for _, f := range e.Attachments {
		budget -= f.Size
	}
	var ch FileChanges
	for i, f := range files {
		tmp, size, err := a.fetchUpload(ctx, d, f.Key, max(0, min(a.files.conf.maxFile(), budget))+1)
		if err != nil {
			return nil, err
		}
		defer func() {
			tmp.Close()
			os.Remove(tmp.Name())
		}()
		if budget -= size; budget < 0 {
			limit := FormatBytes(a.files.conf.maxEntry())
			return nil, &wiki.Error{Code: wiki.ETOOLARGE, Message: text.M("files.entry_total", limit),
				Fields: map[string]text.Message{"files": text.M("files.entry_total", limit)}}
		}
		ch.Add = append(ch.Add, FileUpload{Name: f.Name, Title: uploaded[i].Title, Description: uploaded[i].Description, Content: tmp, Size: size})
	}
	saved, err := a.ChangeFiles(ctx, v, slug, version, ch, comment)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if err := d.DeleteBlob(context.WithoutCancel(ctx), k); err != nil {
			a.log.Error("remove confirmed upload", "key", k, "err", err) // the lifecycle rule removes it
		}
	}
	return saved, nil
}

// fetchUpload copies the upload under key into a temporary file, at most limit bytes (one
// more than what may be taken, so that storeFile or the caller refuses what is larger),
// and returns the file and the size copied.
func (a *App) fetchUpload(ctx context.Context, d store.DirectBlobs, key string, limit int64) (*os.File, int64, error) {
	rc, err := d.Blob(ctx, key)
	if wiki.ErrorCode(err) == wiki.ENOTFOUND {
		return nil, 0, wiki.FieldError(wiki.EINVALID, "files", "files.upload_gone")
	}
	if err != nil {
		return nil, 0, err
	}
	defer rc.Close()
	tmp, err := os.CreateTemp("", "wissensnetz-upload-*")
	if err != nil {
		return nil, 0, fmt.Errorf("confirm upload: %w", err)
	}
	n, err := io.Copy(tmp, io.LimitReader(rc, limit))
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, 0, fmt.Errorf("confirm upload: read %s: %w", key, err)
	}
	return tmp, n, nil
}

// FileURL returns a short-lived address from which the browser downloads the file d
// straight from the blob store (AWS), with its name and type set; "" in local mode,
// where the server sends the file itself (OpenFile). With Files.MalwareTags, only a
// file that GuardDuty found clean is given out: ECONFLICT while it is being checked or
// could not be checked, EFORBIDDEN for a file in which it found malware.
func (a *App) FileURL(ctx context.Context, d *FileDownload) (string, error) {
	direct := a.directBlobs()
	if direct == nil {
		return "", nil
	}
	key := wiki.AttachmentKey(d.Entry.ID, d.File.ID)
	if a.files.conf.MalwareTags {
		tags, err := direct.BlobTags(ctx, key)
		if err != nil {
			return "", err
		}
		switch status := tags[GuardDutyScanTag]; status {
		case ScanClean:
		case "":
			return "", wiki.E(wiki.ECONFLICT, "files.scan_pending", d.File.Name)
		case ScanThreatsFound:
			a.log.Warn("download of a file with malware refused", "key", key)
			return "", wiki.E(wiki.EFORBIDDEN, "files.blocked", d.File.Name)
		default: // UNSUPPORTED, ACCESS_DENIED, FAILED
			a.log.Warn("download of a file not scanned refused", "key", key, "status", status)
			return "", wiki.E(wiki.ECONFLICT, "files.scan_failed", d.File.Name)
		}
	}
	return direct.PresignGet(ctx, key, store.Disposition{
		ContentType:        extract.Format(d.File.Format).MediaType(),
		ContentDisposition: ContentDisposition(d.File.Name),
	}, downloadExpiry)
}

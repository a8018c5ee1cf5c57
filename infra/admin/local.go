package main

import (
	"context"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/store/embedded"
)

// openLocal opens the local installation in dir as the web server's local mode does (the
// embedded store, the folder's search index and outbox), without demo content. With
// files.Extractor it reads the texts of files, those missing included; the caller closes
// it after the app.
func openLocal(ctx context.Context, dir string, files app.Files) (*app.App, error) {
	st, err := embedded.Open(dir)
	if err != nil {
		return nil, err
	}
	return app.StartLocal(ctx, st, app.Local{DataDir: dir}, app.Options{Files: files})
}

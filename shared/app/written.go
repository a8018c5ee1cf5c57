package app

import "github.com/ikone-ds/wissensnetz/shared/text"

// written is the language of what the app writes down or sends rather than shows: notes of
// revisions, details of audit events, mails and import reports. They are kept or sent as
// written, so they take the language of the installation, not of one reader.
var written = text.German

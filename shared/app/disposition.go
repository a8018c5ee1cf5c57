package app

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// ContentDisposition returns the Content-Disposition of a download of a file with the
// given name (RFC 6266): "attachment", as filename an ASCII stand-in for old clients, as
// filename* the name itself in UTF-8 (RFC 5987/8187).
func ContentDisposition(name string) string {
	return `attachment; filename="` + asciiFileName(name) + `"; filename*=UTF-8''` + encodeRFC5987(name)
}

var germanLetters = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "Ä", "Ae", "Ö", "Oe", "Ü", "Ue", "ß", "ss", "ẞ", "SS")

// asciiFileName writes name in printable ASCII for a quoted string: umlauts as ae, oe,
// ue and ß as ss, letters with accents without them, anything else (quotes, backslashes,
// percent signs, control characters, other scripts) as "_".
func asciiFileName(name string) string {
	name = germanLetters.Replace(norm.NFC.String(name))
	var b strings.Builder
	for _, r := range norm.NFD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// the accent of a letter written apart by NFD; the letter stays
		case r >= 0x20 && r < 0x7f && r != '"' && r != '\\' && r != '%':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	if strings.Trim(b.String(), "_. ") == "" {
		return "Datei"
	}
	return b.String()
}

// encodeRFC5987 percent-encodes s as the value of an ext-value (RFC 5987, attr-char).
func encodeRFC5987(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x80 && (unicode.IsLetter(rune(c)) || unicode.IsDigit(rune(c)) || strings.IndexByte("!#$&+-.^_`|~", c) >= 0) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

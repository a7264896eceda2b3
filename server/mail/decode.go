package mail

import (
	"encoding/base64"
	"io"
	"mime/quotedprintable"
	"strings"
)

func quotedPrintable(r io.Reader) io.Reader { return quotedprintable.NewReader(r) }

// base64Reader decodes a base64 body whose lines are broken at 76 characters.
func base64Reader(r io.Reader) io.Reader {
	b, err := io.ReadAll(r)
	if err != nil {
		return errReader{err}
	}
	clean := strings.Map(func(c rune) rune {
		if c == '\r' || c == '\n' || c == ' ' {
			return -1
		}
		return c
	}, string(b))
	return base64.NewDecoder(base64.StdEncoding, strings.NewReader(clean))
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

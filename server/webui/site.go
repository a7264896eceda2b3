package webui

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/gofiber/fiber/v2"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Names of the build outputs in WebDir.
const (
	wasmName    = "app.wasm"
	versionName = "app.wasm.version"
)

// recheckEvery bounds how often the web folder is looked at for a new build.
var recheckEvery = time.Second

// site holds the current build of the client and notices a new one (webbuild run while the
// server is up), so developers never restart the server for a client change.
type site struct {
	cfg Config

	mu      sync.Mutex
	cur     *build
	curFP   string
	lastErr error
	checked time.Time
}

func newSite(cfg Config) *site { return &site{cfg: cfg} }

// build is one loaded version of the client: the go-app handler configured for it, the Wasm
// binary in each encoding, and the static files.
type build struct {
	// version names the build in URLs (/web/<version>/…), in the service worker's cache name
	// and as the pages' ETag. It is a hash of the Wasm binary and of every static file, so a
	// changed stylesheet gets a new URL as surely as a changed binary.
	version string
	handler *app.Handler
	wasm    asset
	files   map[string]asset
}

// asset is a file held in memory with its precompressed copies.
type asset struct {
	ctype string
	etag  string
	plain []byte
	br    []byte // nil when not worth compressing
	gz    []byte
}

// current returns the build to serve, loading a new one when the web folder changed.
func (s *site) current() (*build, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if time.Since(s.checked) < recheckEvery && (s.cur != nil || s.lastErr != nil) {
		return s.cur, s.lastErr
	}
	s.checked = time.Now()
	fp, err := fingerprint(s.cfg.WebDir)
	if err == nil && fp == s.curFP && s.cur != nil {
		return s.cur, nil
	}
	if err == nil {
		var b *build
		if b, err = loadBuild(s.cfg); err == nil {
			s.cur, s.curFP, s.lastErr = b, fp, nil
			return b, nil
		}
	}
	// Keep serving the previous build while a new one is half written.
	if s.cur != nil {
		return s.cur, nil
	}
	s.lastErr = err
	return nil, err
}

// fingerprint summarises the web folder cheaply (names, sizes, modification times) to tell
// whether anything needs reloading.
func fingerprint(dir string) (string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			continue
		}
		fmt.Fprintf(&b, "%s %d %d\n", e.Name(), info.Size(), info.ModTime().UnixNano())
	}
	return b.String(), nil
}

func loadBuild(cfg Config) (*build, error) {
	dir := cfg.WebDir
	v, err := os.ReadFile(filepath.Join(dir, versionName))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s not found in %q", versionName, dir)
		}
		return nil, err
	}
	// The first line is the binary's hash; webbuild notes how it was built on the next ones.
	first, _, _ := strings.Cut(string(v), "\n")
	wasmVersion := strings.TrimSpace(first)
	raw, err := os.ReadFile(filepath.Join(dir, wasmName))
	if err != nil {
		return nil, err
	}
	if sum := sha256.Sum256(raw); hex.EncodeToString(sum[:]) != wasmVersion {
		return nil, fmt.Errorf("%s does not match %s (build in progress?)", wasmName, versionName)
	}
	br, err := os.ReadFile(filepath.Join(dir, wasmName+".br"))
	if err != nil {
		return nil, err
	}
	gz, err := os.ReadFile(filepath.Join(dir, wasmName+".gz"))
	if err != nil {
		return nil, err
	}

	files, err := loadStatic(dir)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	h.Write([]byte(wasmVersion))
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(h, "\n%s %s", n, files[n].etag)
	}
	version := hex.EncodeToString(h.Sum(nil))[:16]

	b := &build{
		version: version,
		wasm:    asset{ctype: "application/wasm", etag: version, plain: raw, br: br, gz: gz},
		files:   files,
	}
	b.handler = newHandler(cfg, version, len(raw), names)
	return b, nil
}

// loadStatic reads every file of the web folder except the build outputs, precompressing the
// ones that compress well.
func loadStatic(dir string) (map[string]asset, error) {
	files := map[string]asset{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := filepath.ToSlash(strings.TrimPrefix(p, dir))
		name = strings.TrimPrefix(name, "/")
		if d.IsDir() {
			if name != "" && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") || strings.HasPrefix(d.Name(), wasmName) || !d.Type().IsRegular() {
			return nil
		}
		body, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		a := asset{ctype: contentType(name), etag: hex.EncodeToString(sum[:8]), plain: body}
		if compressible(a.ctype) && len(body) > 512 {
			a.br, a.gz = compress(body)
		}
		files[name] = a
		return nil
	})
	return files, err
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".webmanifest":
		return "application/manifest+json"
	case ".wasm":
		return "application/wasm"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.Contains(ctype, "javascript") ||
		strings.Contains(ctype, "json") || strings.Contains(ctype, "svg") || strings.Contains(ctype, "xml")
}

func compress(body []byte) (br, gz []byte) {
	var b bytes.Buffer
	bw := brotli.NewWriterLevel(&b, brotli.BestCompression)
	bw.Write(body)
	bw.Close()
	br = append([]byte(nil), b.Bytes()...)
	b.Reset()
	gw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	gw.Write(body)
	gw.Close()
	gz = append([]byte(nil), b.Bytes()...)
	return br, gz
}

// static answers /web/<rest>. <rest> is "<version>/<name>" in every URL the app writes; a
// current version is cached for a year as immutable, an old or missing one is served fresh
// without long caching (a page from before a deploy asking for its files).
func (b *build) static(c *fiber.Ctx, rest string) error {
	name, immutable := rest, false
	if v, n, ok := strings.Cut(rest, "/"); ok && isVersion(v) {
		name, immutable = n, v == b.version
	}
	a, ok := b.files[name]
	if name == wasmName {
		a, ok = b.wasm, true
	}
	if !ok || strings.Contains(name, "..") {
		return c.SendStatus(fiber.StatusNotFound)
	}
	if immutable {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "no-cache")
	}
	body, enc := a.plain, ""
	if a.br != nil || a.gz != nil {
		c.Vary(fiber.HeaderAcceptEncoding)
		switch pickEncoding(c.Get(fiber.HeaderAcceptEncoding), a.br != nil, a.gz != nil) {
		case "br":
			body, enc = a.br, "br"
		case "gzip":
			body, enc = a.gz, "gzip"
		}
	}
	etag := `"` + a.etag + encSuffix(enc) + `"`
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderContentType, a.ctype)
	if enc != "" {
		c.Set(fiber.HeaderContentEncoding, enc)
	}
	if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" && strings.Contains(inm, etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	if c.Method() == fiber.MethodHead {
		c.Set(fiber.HeaderContentLength, strconv.Itoa(len(body)))
		return nil
	}
	return c.Send(body)
}

func encSuffix(enc string) string {
	if enc == "" {
		return ""
	}
	return "-" + enc
}

// isVersion reports whether s has the shape of a build version (16 hex digits).
func isVersion(s string) bool {
	if len(s) != 16 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// pickEncoding chooses brotli, then gzip, among what the client accepts (q > 0), or "" for
// identity.
func pickEncoding(accept string, haveBr, haveGz bool) string {
	var br, gz, star float64 = -1, -1, -1
	for _, part := range strings.Split(accept, ",") {
		token, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok && strings.EqualFold(k, "q") {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					q = f
				}
			}
		}
		switch strings.ToLower(strings.TrimSpace(token)) {
		case "br":
			br = q
		case "gzip", "x-gzip":
			gz = q
		case "*":
			star = q
		}
	}
	if br < 0 {
		br = star
	}
	if gz < 0 {
		gz = star
	}
	switch {
	case haveBr && br > 0 && br >= gz:
		return "br"
	case haveGz && gz > 0:
		return "gzip"
	case haveBr && br > 0:
		return "br"
	}
	return ""
}

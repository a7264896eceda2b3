// Command webbuild compiles the Wasm client and prepares it for serving: it builds
// web/app.wasm from ./app/wasm, writes brotli (web/app.wasm.br) and gzip (web/app.wasm.gz)
// copies so the server never compresses the ~7 MB binary per request, and finally writes
// web/app.wasm.version, whose first line is the content hash the server uses as the app version
// (ETag, cache key of the service worker, part of every static URL); a second line records the
// brotli quality, so a quick low-quality build is not mistaken for the real one. The version file is written last and atomically,
// so a running server only ever sees a complete set of files. When the binary has not changed
// since the last run the compression step is skipped, which keeps repeated runs (before every
// `make run` and `make test`) down to the Go build cache check.
//
// Run it from the module root:
//
//	go run ./app/cmd/webbuild
package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"github.com/andybalholm/brotli"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("webbuild: ")
	out := flag.String("o", "web", "output folder for app.wasm and its compressed copies")
	pkg := flag.String("pkg", "./app/wasm", "main package of the Wasm client")
	// Quality 10 with a 16 MB window comes within about 2 % of quality 11 in some 60 % of its
	// time, which every change of the client pays before `make run` and `make test`; -brotli 11
	// squeezes out the last bytes.
	brotliQuality := flag.Int("brotli", 10, "brotli quality (0–11)")
	force := flag.Bool("f", false, "recompress even when the binary has not changed")
	flag.Parse()

	if err := build(*out, *pkg, *brotliQuality, *force); err != nil {
		log.Fatal(err)
	}
}

func build(out, pkg string, quality int, force bool) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	wasmPath := filepath.Join(out, "app.wasm")

	start := time.Now()
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s", "-o", wasmPath, pkg)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build (GOOS=js GOARCH=wasm) %s: %w", pkg, err)
	}

	raw, err := os.ReadFile(wasmPath)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(raw)
	version := hex.EncodeToString(sum[:])

	versionPath := wasmPath + ".version"
	stamp := fmt.Sprintf("%s\nbrotli=%d\n", version, quality)
	if !force && upToDate(versionPath, stamp, wasmPath+".br", wasmPath+".gz") {
		log.Printf("%s unchanged (%s, %d bytes), checked in %s", wasmPath, version[:12], len(raw), since(start))
		return nil
	}

	var (
		wg           sync.WaitGroup
		br, gz       []byte
		brErr, gzErr error
	)
	// The two encoders run side by side: brotli at its best quality dominates the time.
	wg.Add(2)
	go func() { defer wg.Done(); br, brErr = compressBrotli(raw, quality) }()
	go func() { defer wg.Done(); gz, gzErr = compressGzip(raw) }()
	wg.Wait()
	if err := errors.Join(brErr, gzErr); err != nil {
		return err
	}

	if err := writeAtomic(wasmPath+".br", br); err != nil {
		return err
	}
	if err := writeAtomic(wasmPath+".gz", gz); err != nil {
		return err
	}
	if err := writeAtomic(versionPath, []byte(stamp)); err != nil {
		return err
	}
	log.Printf("%s %s: %d bytes, gzip %d, brotli %d (%s)", wasmPath, version[:12], len(raw), len(gz), len(br), since(start))
	return nil
}

// upToDate reports whether the version file already names this binary, built the same way, and
// both compressed copies are at least as new as the version file.
func upToDate(versionPath, stamp string, compressed ...string) bool {
	b, err := os.ReadFile(versionPath)
	if err != nil || string(b) != stamp {
		return false
	}
	vi, err := os.Stat(versionPath)
	if err != nil {
		return false
	}
	for _, p := range compressed {
		fi, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) || err != nil || fi.Size() == 0 || fi.ModTime().After(vi.ModTime()) {
			return false
		}
	}
	return true
}

func compressBrotli(raw []byte, quality int) ([]byte, error) {
	var b bytes.Buffer
	w := brotli.NewWriterOptions(&b, brotli.WriterOptions{Quality: quality, LGWin: 24})
	if _, err := w.Write(raw); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func compressGzip(raw []byte) ([]byte, error) {
	var b bytes.Buffer
	w, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(raw); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// writeAtomic replaces path by writing a sibling temporary file and renaming it, so readers see
// either the old or the new content, never a partial file.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func since(t time.Time) time.Duration { return time.Since(t).Round(10 * time.Millisecond) }

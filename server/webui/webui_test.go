package webui

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/gofiber/fiber/v2"
)

// fakeBuild writes what webbuild writes, around a stand-in binary, plus the static files.
func fakeBuild(t *testing.T, dir string, wasm []byte) {
	t.Helper()
	var br, gz bytes.Buffer
	bw := brotli.NewWriter(&br)
	bw.Write(wasm)
	bw.Close()
	gw := gzip.NewWriter(&gz)
	gw.Write(wasm)
	gw.Close()
	sum := sha256.Sum256(wasm)
	files := map[string][]byte{
		"app.wasm":         wasm,
		"app.wasm.br":      br.Bytes(),
		"app.wasm.gz":      gz.Bytes(),
		"app.wasm.version": []byte(hex.EncodeToString(sum[:]) + "\n"),
		"jszg.css":         []byte(strings.Repeat("body { color: #1f2329; }\n", 40)),
		"icon-192.png":     []byte("png192"),
		"icon-512.png":     []byte("png512"),
		"icon.svg":         []byte("<svg/>"),
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func newApp(t *testing.T, dir string) *fiber.App {
	t.Helper()
	recheckEvery = 0 // notice rebuilds at once
	f := fiber.New()
	f.Get("/api/ping", func(c *fiber.Ctx) error { return c.SendString("pong") })
	if err := Mount(f, Config{WebDir: dir}); err != nil {
		t.Fatal(err)
	}
	return f
}

func get(t *testing.T, f *fiber.App, path string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := f.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, body
}

func TestNotBuiltAnswersWithAMessage(t *testing.T) {
	f := newApp(t, t.TempDir())
	res, body := get(t, f, "/login")
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", res.StatusCode)
	}
	if !strings.Contains(string(body), "go run ./app/cmd/webbuild") || !strings.Contains(string(body), "请稍后再试") {
		t.Errorf("page does not say how to build the client:\n%s", body)
	}
	// The API stays the API's.
	if res, body := get(t, f, "/api/ping"); res.StatusCode != 200 || string(body) != "pong" {
		t.Errorf("/api/ping = %d %q", res.StatusCode, body)
	}
}

func TestServesTheBuild(t *testing.T) {
	dir := t.TempDir()
	wasm := bytes.Repeat([]byte("\x00asm wasm wasm wasm "), 5000)
	fakeBuild(t, dir, wasm)
	f := newApp(t, dir)

	res, page := get(t, f, "/login?entry=certification")
	if res.StatusCode != 200 {
		t.Fatalf("GET /login: %d\n%s", res.StatusCode, page)
	}
	html := string(page)
	for _, want := range []string{`lang="zh-CN"`, "认定登录入口", "/manifest.webmanifest", "/jszg.css"} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(html, "githubusercontent") || strings.Contains(html, "https://raw.") {
		t.Error("page loads something from an outside host")
	}
	if strings.Contains(html, `id="app-ready"`) {
		t.Error("the prerendered page carries the mount marker")
	}

	b, _ := loadBuild(Config{WebDir: dir})
	v := b.version
	if !strings.Contains(html, "/web/"+v+"/jszg.css") {
		t.Errorf("stylesheet not at its versioned URL /web/%s/jszg.css", v)
	}

	// Manifest: the product's name, local icons only.
	_, body := get(t, f, "/manifest.webmanifest")
	var m struct {
		Name  string `json:"name"`
		Icons []struct {
			Src string `json:"src"`
		} `json:"icons"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	if m.Name != "中国教师资格网 账号中心" {
		t.Errorf("manifest name %q", m.Name)
	}
	for _, i := range m.Icons {
		if !strings.HasPrefix(i.Src, "/web/"+v+"/") {
			t.Errorf("icon %q is not a local versioned file", i.Src)
		}
	}

	// Service worker: this build's cache, with the Wasm and every page.
	_, sw := get(t, f, "/app-worker.js")
	for _, want := range []string{`"jszg-` + v + `"`, "/web/" + v + "/app.wasm", `"/register"`, `"/profile"`, "event.waitUntil"} {
		if !strings.Contains(string(sw), want) {
			t.Errorf("service worker lacks %s", want)
		}
	}

	// The Wasm: precompressed, by Accept-Encoding, cached for good under its version.
	for _, tc := range []struct {
		accept, encoding string
		body             []byte
	}{
		{"gzip, deflate, br", "br", nil},
		{"br;q=0, gzip", "gzip", nil},
		{"gzip", "gzip", nil},
		{"", "", wasm},
		{"identity", "", wasm},
	} {
		res, body := get(t, f, "/web/"+v+"/app.wasm", "Accept-Encoding", tc.accept)
		if got := res.Header.Get("Content-Encoding"); got != tc.encoding {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", tc.accept, got, tc.encoding)
		}
		if res.Header.Get("Content-Type") != "application/wasm" {
			t.Errorf("Content-Type %q", res.Header.Get("Content-Type"))
		}
		if !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
			t.Error("no Vary: Accept-Encoding")
		}
		if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("Cache-Control %q, want immutable", cc)
		}
		if got := decode(t, tc.encoding, body); !bytes.Equal(got, wasm) {
			t.Errorf("Accept-Encoding %q: body is not the binary", tc.accept)
		}
		etag := res.Header.Get("ETag")
		if res, _ := get(t, f, "/web/"+v+"/app.wasm", "Accept-Encoding", tc.accept, "If-None-Match", etag); res.StatusCode != http.StatusNotModified {
			t.Errorf("If-None-Match %s: status %d, want 304", etag, res.StatusCode)
		}
	}

	// A page from an older build still gets the files, but not for keeps.
	res, _ = get(t, f, "/web/0123456789abcdef/jszg.css")
	if res.StatusCode != 200 || res.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("old version: %d %q", res.StatusCode, res.Header.Get("Cache-Control"))
	}
	if res, _ := get(t, f, "/web/"+v+"/missing.png"); res.StatusCode != 404 {
		t.Errorf("missing file: %d", res.StatusCode)
	}
	if res, _ := get(t, f, "/web/"+v+"/../go.mod"); res.StatusCode == 200 {
		t.Error("path escapes the web folder")
	}

	// A new build is picked up without a restart, with a new version.
	fakeBuild(t, dir, append(wasm, "v2"...))
	b2, err := loadBuild(Config{WebDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if b2.version == v {
		t.Fatal("new binary, same version")
	}
	if _, page := get(t, f, "/login"); !strings.Contains(string(page), "/web/"+b2.version+"/") {
		t.Error("the server still serves the old build")
	}
}

func decode(t *testing.T, enc string, body []byte) []byte {
	t.Helper()
	var r io.Reader = bytes.NewReader(body)
	switch enc {
	case "br":
		r = brotli.NewReader(r)
	case "gzip":
		gr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatal(err)
		}
		r = gr
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestHalfWrittenBuildIsNotServed(t *testing.T) {
	dir := t.TempDir()
	fakeBuild(t, dir, []byte("first binary"))
	f := newApp(t, dir)
	b, err := loadBuild(Config{WebDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if res, _ := get(t, f, "/"); res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	// go build has replaced the binary, webbuild has not yet written the new version.
	if err := os.WriteFile(filepath.Join(dir, "app.wasm"), []byte("second, half written"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, page := get(t, f, "/")
	if res.StatusCode != 200 || !strings.Contains(string(page), "/web/"+b.version+"/") {
		t.Errorf("a half-written build replaced the running one (status %d)", res.StatusCode)
	}
}

func TestPickEncoding(t *testing.T) {
	for accept, want := range map[string]string{
		"":                  "",
		"br":                "br",
		"gzip":              "gzip",
		"gzip, br":          "br",
		"br;q=0.5, gzip":    "gzip",
		"br;q=0, gzip;q=0":  "",
		"*":                 "br",
		"gzip;q=0, *;q=0.1": "br",
		"deflate":           "",
		"GZIP":              "gzip",
	} {
		if got := pickEncoding(accept, true, true); got != want {
			t.Errorf("pickEncoding(%q) = %q, want %q", accept, got, want)
		}
	}
	if got := pickEncoding("br", false, true); got != "" {
		t.Errorf("without a brotli copy, br-only client got %q", got)
	}
}

func TestVersionedResources(t *testing.T) {
	r := versionedResources{version: "0123456789abcdef"}
	for in, want := range map[string]string{
		"":                     "/",
		"/":                    "/",
		"/web":                 "/web/0123456789abcdef",
		"/web/app.wasm":        "/web/0123456789abcdef/app.wasm",
		"web/icon.svg":         "/web/0123456789abcdef/icon.svg",
		"/login":               "/login",
		"/app.js":              "/app.js",
		"https://example.com/": "https://example.com/",
	} {
		if got := r.Resolve(in); got != want {
			t.Errorf("Resolve(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPagesPrerenderTheSeedWording checks that each page's HTML, before any Wasm runs, already
// says what the original screens say.
func TestPagesPrerenderTheSeedWording(t *testing.T) {
	dir := t.TempDir()
	fakeBuild(t, dir, []byte("binary"))
	f := newApp(t, dir)
	for path, wants := range map[string][]string{
		"/": {"欢迎使用中国教师资格网", "请填写有效身份证件号码", "向右拖动滑块填充拼图", "返回主页", "忘记密码",
			"还没有账号吗？", "教育部账号登录", "中国教师资格网公众号", "服务号",
			"首次使用者请先注册，注册成功后再登录系统办理相关业务。", "建议使用谷歌浏览器。",
			"认定及定期注册登录入口所办理的业务不同，但所注册的账号通用。", "关怀模式",
			"©版权所有：中国教师资格网 京公网安备110402430002号"},
		"/login?entry=registration": {"定期注册登录入口"},
		"/register": {"身份证件类型", "身份证件号码", "请准确填写", "请填写与身份证件一致的姓名",
			"提示：如您的姓名中包含间隔符，请复制冒号后方的点号：", ">·<", "复制", "身份证件有效时间段", "5年", "10年", "20年", "长期",
			"身份证件有效开始日期", "身份证件有效截止日期", "8位以上", "请再次输入", "安全邮箱", "手机号码",
			"图形验证码", "验证码来源", "通过短信", "微信扫码", "免费获取验证码", "我已阅读并同意", "《中国教师资格网注册协议》",
			"提交", "返回"},
		"/profile": {"个人信息中心", "个人身份信息", "教师资格考试信息", "普通话证书信息", "学历学籍信息",
			"学位证书信息", "教师资格证书信息"},
		"/agreement": {"中国教师资格网注册协议", "个人信息保护"},
		"/forgot": {"忘记密码", "解决密码遗忘途径如下：", "2019年3月1日之前注册的账号，不能进行密码重置，需要重新注册账号。",
			"输入账号", "安全验证", "证件类型", "---请选择---", "证件号码", "姓 名", "下一步", "返回"},
		"/reset/link?token=x": {"忘记密码"},
	} {
		res, body := get(t, f, path)
		if res.StatusCode != 200 {
			t.Errorf("GET %s: %d", path, res.StatusCode)
			continue
		}
		for _, w := range wants {
			if !strings.Contains(string(body), w) {
				t.Errorf("GET %s lacks %q", path, w)
			}
		}
	}
}

func TestUnknownPageIsAChineseNotFoundPage(t *testing.T) {
	dir := t.TempDir()
	fakeBuild(t, dir, []byte("binary"))
	f := newApp(t, dir)
	res, body := get(t, f, "/sso/mailResetPass.html")
	if res.StatusCode != http.StatusNotFound || !strings.Contains(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("unknown page: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	for _, w := range []string{"页面不存在", "返回登录"} {
		if !strings.Contains(string(body), w) {
			t.Errorf("not-found page lacks %q", w)
		}
	}
}

package webui

import (
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	pages "jszg/app"
)

// stylesheet is the app's own stylesheet in the web folder.
const stylesheet = "/web/jszg.css"

// newHandler configures go-app's handler for one build.
func newHandler(cfg Config, version string, wasmSize int, staticNames []string) *app.Handler {
	cacheable := make([]string, 0, len(staticNames)+len(pages.PagePaths()))
	for _, n := range staticNames {
		cacheable = append(cacheable, "/web/"+n)
	}
	// Every page's HTML is precached so that any page opens from the cache, also offline. The
	// HTML depends only on the build (nothing personal is prerendered), so it is keyed by version
	// like the rest.
	cacheable = append(cacheable, pages.PagePaths()...)

	return &app.Handler{
		Name:        appName,
		ShortName:   appShortName,
		Title:       cfg.Title,
		Description: description,
		Domain:      cfg.Domain,
		Lang:        "zh-CN",
		Author:      "中国教师资格网",
		// Local icons: go-app's defaults would load from an outside host.
		Icon: app.Icon{
			Default:  "/web/icon-192.png",
			Large:    "/web/icon-512.png",
			Maskable: "/web/icon-512.png",
			SVG:      "/web/icon.svg",
		},
		Image:           "/web/icon-512.png",
		BackgroundColor: background,
		ThemeColor:      themeColor,
		LoadingLabel:    "正在加载 {progress}%",
		Styles:          []string{stylesheet},
		// Synchronous in the head, before the body paints: it only sets html.care.
		Scripts: []string{"/web/care.js"},
		RawHeaders: []string{
			`<meta name="format-detection" content="telephone=no">`,
			`<meta name="apple-mobile-web-app-title" content="` + appShortName + `">`,
			// Start the Wasm download while the HTML is parsed rather than after app.js has
			// run: on a phone link that is a round trip or two earlier. The attributes match
			// the fetch go-app's loader makes (CORS mode, same-origin credentials), so the
			// browser hands it the preloaded response.
			`<link rel="preload" href="` + versionedResources{version: version}.Resolve("/web/"+wasmName) +
				`" as="fetch" type="application/wasm" crossorigin>`,
		},
		CacheableResources: cacheable,
		Resources:          versionedResources{version: version},
		Version:            version,
		// The Wasm travels compressed, so Content-Length is not its size: give the real size
		// for the loading progress.
		WasmContentLength:     strconv.Itoa(wasmSize),
		ServiceWorkerTemplate: serviceWorker,
	}
}

// versionedResources resolves go-app's /web/… paths to /web/<version>/…, which the server
// caches for a year: a new build changes every URL, so no browser or proxy can mix files of two
// builds. (go-app's LocalDir resolver only works with an empty directory, and it would give the
// same URL to every build.)
type versionedResources struct{ version string }

func (r versionedResources) Resolve(location string) string {
	if location == "" || location == "/" {
		return "/"
	}
	if strings.HasPrefix(location, "https://") || strings.HasPrefix(location, "http://") {
		return location
	}
	trimmed := strings.Trim(location, "/")
	if trimmed != "web" && !strings.HasPrefix(trimmed, "web/") {
		return location
	}
	return "/web/" + r.version + strings.TrimPrefix(trimmed, "web")
}

// serviceWorker replaces go-app's default worker (app-worker.js). go-app fills in {{.Version}}
// and {{.ResourcesToCache}}. What it changes:
//   - installation waits for the cache to be filled (event.waitUntil), so a worker never takes
//     over with half a cache;
//   - pages are served from the cache by path, ignoring the query (?entry=…), and when offline
//     any unknown path falls back to the cached shell, which routes on the client;
//   - the API and the local stand-ins (/api/, /dev/) and other writes are never touched, so
//     nothing personal is ever cached;
//   - matching ignores Vary, since the Wasm is stored decoded whichever encoding it came in;
//   - it does not claim the page that installed it: that page already runs, and go-app takes a
//     worker that starts controlling a running page for an update ("新版本已就绪").
const serviceWorker = `// Service worker of the account centre, build {{.Version}}.
const cacheName = "jszg-{{.Version}}";
const resourcesToCache = {{.ResourcesToCache}};

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(cacheName);
    await cache.addAll(resourcesToCache);
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const keys = await caches.keys();
    await Promise.all(keys.filter((k) => k !== cacheName).map((k) => caches.delete(k)));
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin ||
      url.pathname.startsWith("/api/") || url.pathname.startsWith("/dev/")) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(page(request, url));
    return;
  }
  event.respondWith(resource(request));
});

async function page(request, url) {
  const cache = await caches.open(cacheName);
  const hit = await cache.match(url.pathname, { ignoreSearch: true, ignoreVary: true });
  if (hit) {
    return hit;
  }
  try {
    return await fetch(request);
  } catch (err) {
    const shell = await cache.match("/", { ignoreVary: true });
    if (shell) {
      return shell;
    }
    throw err;
  }
}

async function resource(request) {
  const cache = await caches.open(cacheName);
  const hit = await cache.match(request, { ignoreVary: true });
  if (hit) {
    return hit;
  }
  return fetch(request);
}
`

package httpapi_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"jszg/server/httpapi"
	"jszg/server/testenv"
)

// TestOpenAPIDescribesEveryRoute compares the OpenAPI document with the routes the wired server
// registers under /api, /dev, /wechat and /healthz: none missing, none described that is not there.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	env := testenv.Start(t)
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(httpapi.OpenAPI, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	described := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			described[strings.ToUpper(method)+" "+path] = true
		}
	}
	param := regexp.MustCompile(`:([A-Za-z_]+)`)
	served := map[string]bool{}
	for _, r := range env.Server.API.App.GetRoutes(true) {
		if r.Method == http.MethodHead || r.Method == http.MethodConnect || r.Method == http.MethodTrace {
			continue
		}
		p := r.Path
		if !(strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/dev/") || strings.HasPrefix(p, "/wechat/") || p == "/healthz") {
			continue
		}
		served[r.Method+" "+param.ReplaceAllString(p, "{$1}")] = true
	}
	var missing, extra []string
	for k := range served {
		if !described[k] {
			missing = append(missing, k)
		}
	}
	for k := range described {
		if !served[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing)+len(extra) > 0 {
		t.Fatalf("routes not in openapi.json: %v\ndescribed but not served: %v", missing, extra)
	}
	resp, err := http.Get(env.URL + "/api/openapi.json")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /api/openapi.json: %v %v", resp, err)
	}
	resp.Body.Close()
}

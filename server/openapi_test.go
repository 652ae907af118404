package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/s3am/s3-access-manager/internal/audit"
	"github.com/s3am/s3-access-manager/internal/authz"
	"github.com/s3am/s3-access-manager/internal/objects"
	"github.com/s3am/s3-access-manager/server"
	"github.com/s3am/s3-access-manager/server/auth"
)

// The subset of OpenAPI 3.1 the checks below read.
type (
	apiDoc struct {
		OpenAPI  string                          `json:"openapi"`
		Info     struct{ Title, Version string } `json:"info"`
		Tags     []struct{ Name string }         `json:"tags"`
		Security []map[string][]string           `json:"security"`
		Paths    map[string]map[string]json.RawMessage
		// Components are resolved by JSON pointer from raw, see resolve.
		Components struct {
			SecuritySchemes map[string]json.RawMessage `json:"securitySchemes"`
			Schemas         map[string]*apiSchema      `json:"schemas"`
		} `json:"components"`
		raw map[string]any
	}
	apiOperation struct {
		Tags        []string               `json:"tags"`
		OperationID string                 `json:"operationId"`
		Summary     string                 `json:"summary"`
		Security    *[]map[string][]string `json:"security"`
		Parameters  []apiParameter         `json:"parameters"`
		RequestBody *struct {
			Required bool                    `json:"required"`
			Content  map[string]apiMediaType `json:"content"`
		} `json:"requestBody"`
		Responses map[string]apiResponse `json:"responses"`
	}
	apiParameter struct {
		Ref      string     `json:"$ref"`
		Name     string     `json:"name"`
		In       string     `json:"in"`
		Required bool       `json:"required"`
		Schema   *apiSchema `json:"schema"`
	}
	apiResponse struct {
		Ref         string                  `json:"$ref"`
		Description string                  `json:"description"`
		Content     map[string]apiMediaType `json:"content"`
	}
	apiMediaType struct {
		Schema *apiSchema `json:"schema"`
	}
	apiSchema struct {
		Ref                  string                `json:"$ref"`
		Type                 string                `json:"type"`
		Format               string                `json:"format"`
		Properties           map[string]*apiSchema `json:"properties"`
		Required             []string              `json:"required"`
		Items                *apiSchema            `json:"items"`
		AdditionalProperties json.RawMessage       `json:"additionalProperties"`
	}
)

var httpMethods = []string{"get", "put", "post", "delete", "patch", "head", "options"}

func loadDoc(t *testing.T) *apiDoc {
	t.Helper()
	body := server.OpenAPI()
	d := &apiDoc{}
	if err := json.Unmarshal(body, d); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if err := json.Unmarshal(body, &d.raw); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	return d
}

// resolve follows a local JSON pointer ("#/components/...") into dst.
func (d *apiDoc) resolve(ref string, dst any) error {
	if !strings.HasPrefix(ref, "#/") {
		return fmt.Errorf("$ref %q is not local", ref)
	}
	var node any = d.raw
	for _, p := range strings.Split(ref[2:], "/") {
		m, ok := node.(map[string]any)
		if !ok {
			return fmt.Errorf("$ref %q: %q is not in an object", ref, p)
		}
		if node, ok = m[strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~")]; !ok {
			return fmt.Errorf("$ref %q: no %q", ref, p)
		}
	}
	b, err := json.Marshal(node)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, dst)
}

// operations decodes every operation, keyed "METHOD /path".
func (d *apiDoc) operations(t *testing.T) map[string]apiOperation {
	t.Helper()
	ops := map[string]apiOperation{}
	for path, item := range d.Paths {
		for key, raw := range item {
			if !slices.Contains(httpMethods, key) {
				continue
			}
			var op apiOperation
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatalf("%s %s: %v", key, path, err)
			}
			ops[strings.ToUpper(key)+" "+path] = op
		}
	}
	return ops
}

// resolved returns v, or, when ref is set, what ref names in d.
func resolved[T any](t *testing.T, d *apiDoc, where, ref string, v T) T {
	t.Helper()
	if ref == "" {
		return v
	}
	var out T
	if err := d.resolve(ref, &out); err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	return out
}

// newTestServer builds the real application with the smallest real
// dependencies: an empty index, no connections, an authenticator chain that
// recognises nobody, and an audit recorder writing nowhere.
func newTestServer(t *testing.T) *echo.Echo {
	t.Helper()
	rec, err := audit.NewRecorder(audit.Options{Writer: "openapi-test", JSON: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := rec.Close(context.Background()); err != nil {
			t.Error(err)
		}
	})
	e, err := server.New(server.Options{
		Index: authz.New(),
		Objects: func(_ context.Context, name string) (*objects.Service, error) {
			return nil, fmt.Errorf("connection %s is not configured in this test", name)
		},
		Auth:   auth.Chain{testCaller},
		Audit:  rec,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// echoParam turns Echo's ":name" path parameters into OpenAPI's "{name}".
var echoParam = regexp.MustCompile(`:([A-Za-z0-9_]+)`)

// registeredRoutes lists New's routes as "METHOD /path", with the handler
// name Echo recorded for each.
func registeredRoutes(t *testing.T) map[string]string {
	t.Helper()
	routes := map[string]string{}
	for _, r := range newTestServer(t).Routes() {
		if r.Method == echo.RouteNotFound {
			continue // the catch-alls Echo adds for group middleware
		}
		routes[r.Method+" "+echoParam.ReplaceAllString(r.Path, "{$1}")] = r.Name
	}
	return routes
}

func TestOpenAPIStructure(t *testing.T) {
	d := loadDoc(t)
	if !strings.HasPrefix(d.OpenAPI, "3.") {
		t.Errorf("openapi = %q, want 3.x", d.OpenAPI)
	}
	if d.Info.Title == "" || d.Info.Version == "" {
		t.Error("info needs a title and a version")
	}
	if len(d.Paths) == 0 {
		t.Fatal("no paths")
	}
	tags := map[string]bool{}
	for _, tag := range d.Tags {
		tags[tag.Name] = true
	}
	checkSecurity := func(where string, reqs []map[string][]string) {
		for _, req := range reqs {
			for name := range req {
				if _, ok := d.Components.SecuritySchemes[name]; !ok {
					t.Errorf("%s: security scheme %q is not declared", where, name)
				}
			}
		}
	}
	checkSecurity("document", d.Security)
	if len(d.Security) == 0 {
		t.Error("the document declares no default security: /api/v1 would look anonymous")
	}
	for _, name := range []string{"bearerAuth", "sessionCookie", "csrfHeader"} {
		if _, ok := d.Components.SecuritySchemes[name]; !ok {
			t.Errorf("security scheme %s is missing", name)
		}
	}

	ids := map[string]string{}
	for key, op := range d.operations(t) {
		method, path, _ := strings.Cut(key, " ")
		if op.Summary == "" {
			t.Errorf("%s: no summary", key)
		}
		if op.OperationID == "" {
			t.Errorf("%s: no operationId", key)
		} else if other, dup := ids[op.OperationID]; dup {
			t.Errorf("%s: operationId %q already used by %s", key, op.OperationID, other)
		}
		ids[op.OperationID] = key
		if len(op.Tags) == 0 {
			t.Errorf("%s: no tag", key)
		}
		for _, tag := range op.Tags {
			if !tags[tag] {
				t.Errorf("%s: tag %q is not declared", key, tag)
			}
		}
		if op.Security != nil {
			checkSecurity(key, *op.Security)
		}
		api := strings.HasPrefix(path, "/api/v1/")
		anonymous := path == "/healthz" || path == "/readyz" || path == "/metrics"
		switch {
		case !anonymous && op.Security != nil && len(*op.Security) == 0:
			t.Errorf("%s: marked anonymous, but only health, readiness and metrics are served without a caller", key)
		case anonymous && (op.Security == nil || len(*op.Security) != 0):
			t.Errorf("%s: served anonymously, so it needs security: []", key)
		}
		if len(op.Responses) == 0 {
			t.Errorf("%s: no responses", key)
		}
		for status, r := range op.Responses {
			where := key + " " + status
			if _, err := strconv.Atoi(status); err != nil {
				t.Errorf("%s: status is not a number", where)
			}
			r = resolved(t, d, where, r.Ref, r)
			if r.Description == "" {
				t.Errorf("%s: no description", where)
			}
			if status >= "400" && api {
				if s := r.Content[echo.MIMEApplicationJSON].Schema; s == nil || s.Ref != "#/components/schemas/ErrorBody" {
					t.Errorf("%s: an error answer must be an ErrorBody", where)
				}
			}
		}
		for _, p := range op.Parameters {
			p = resolved(t, d, key, p.Ref, p)
			if p.Name == "" || p.In == "" || p.Schema == nil {
				t.Errorf("%s: parameter %+v needs a name, a location and a schema", key, p)
			}
			if p.In == "path" && (!p.Required || !strings.Contains(path, "{"+p.Name+"}")) {
				t.Errorf("%s: path parameter %s must be required and in the path", key, p.Name)
			}
		}
		if api {
			want := []string{"401", "503"}
			if op.RequestBody != nil {
				// Every JSON body is bounded and strictly decoded.
				want = append(want, "400", "413")
			}
			if method == http.MethodGet && path != "/api/v1/me" || method == http.MethodDelete {
				want = append(want, "400", "403")
			}
			for _, status := range want {
				if _, ok := op.Responses[status]; !ok {
					t.Errorf("%s: no %s response", key, status)
				}
			}
		}
	}

	// Every $ref anywhere resolves.
	var walk func(where string, node any)
	walk = func(where string, node any) {
		switch n := node.(type) {
		case map[string]any:
			for k, v := range n {
				if k == "$ref" {
					var target any
					ref, _ := v.(string)
					if err := d.resolve(ref, &target); err != nil {
						t.Errorf("%s: %v", where, err)
					}
					continue
				}
				walk(where+"/"+k, v)
			}
		case []any:
			for i, v := range n {
				walk(where+"/"+strconv.Itoa(i), v)
			}
		}
	}
	walk("#", d.raw)
}

func TestOpenAPIMatchesRoutes(t *testing.T) {
	d := loadDoc(t)
	routes := registeredRoutes(t)
	ops := d.operations(t)
	for key := range routes {
		if _, ok := ops[key]; !ok {
			t.Errorf("route %s is registered but not in openapi.json", key)
		}
	}
	for key := range ops {
		if _, ok := routes[key]; !ok {
			t.Errorf("openapi.json describes %s, which New does not register", key)
		}
	}
	api := 0
	for key := range routes {
		if strings.Contains(key, " /api/v1/") {
			api++
		}
	}
	if api < 13 {
		t.Errorf("only %d /api/v1 routes registered; is the test server complete?", api)
	}
}

// bodyContracts are the Go types of each /api/v1 operation's JSON request
// body and of its successful answers (nil: no body).
var bodyContracts = map[string]struct {
	request   any
	responses map[string]any
}{
	"GET /api/v1/me":                  {nil, map[string]any{"200": server.MeResponse{}}},
	"GET /api/v1/list":                {nil, map[string]any{"200": server.ListResponse{}}},
	"POST /api/v1/uploads":            {server.UploadRequest{}, map[string]any{"200": server.UploadResponse{}, "201": server.UploadResponse{}}},
	"POST /api/v1/uploads/post":       {server.PostUploadRequest{}, map[string]any{"200": server.PostUploadResponse{}}},
	"POST /api/v1/uploads/confirm":    {server.ObjectRequest{}, map[string]any{"200": server.ObjectInfo{}}},
	"POST /api/v1/multipart":          {server.UploadRequest{}, map[string]any{"200": server.MultipartResponse{}}},
	"POST /api/v1/multipart/parts":    {server.PartsRequest{}, map[string]any{"200": server.PartsResponse{}}},
	"GET /api/v1/multipart/parts":     {nil, map[string]any{"200": server.ListPartsResponse{}}},
	"POST /api/v1/multipart/complete": {server.CompleteRequest{}, map[string]any{"200": objects.CompletedUpload{}}},
	"POST /api/v1/multipart/abort":    {server.AbortRequest{}, map[string]any{"204": nil}},
	"POST /api/v1/downloads":          {server.DownloadRequest{}, map[string]any{"200": server.DownloadResponse{}}},
	"DELETE /api/v1/objects":          {nil, map[string]any{"200": server.DeleteResponse{}}},
	"GET /api/v1/audit/events":        {nil, map[string]any{"200": server.AuditEventsResponse{}}},
	"GET /api/v1/access/grants":       {nil, map[string]any{"200": server.AccessGrantsResponse{}}},
}

func TestOpenAPISchemasMatchGoTypes(t *testing.T) {
	d := loadDoc(t)
	ops := d.operations(t)
	for key := range registeredRoutes(t) {
		if !strings.Contains(key, " /api/v1/") && !strings.Contains(key, " /l/") {
			continue
		}
		contract, ok := bodyContracts[key]
		if !ok {
			t.Errorf("%s has no entry in bodyContracts: add its Go request and response types", key)
			continue
		}
		op := ops[key]
		switch {
		case contract.request == nil && op.RequestBody != nil:
			t.Errorf("%s: documents a request body the handler does not read", key)
		case contract.request != nil:
			if op.RequestBody == nil || !op.RequestBody.Required {
				t.Errorf("%s: the request body must be documented as required", key)
				break
			}
			s := op.RequestBody.Content[echo.MIMEApplicationJSON].Schema
			d.matchType(t, key+" request", reflect.TypeOf(contract.request), s, true, map[string]bool{})
		}
		documented := slices.DeleteFunc(slices.Sorted(maps.Keys(op.Responses)), func(status string) bool { return !strings.HasPrefix(status, "2") })
		want := slices.Sorted(maps.Keys(contract.responses))
		if !slices.Equal(documented, want) {
			t.Errorf("%s: documented success statuses %v, the handler answers %v", key, documented, want)
		}
		for status, goValue := range contract.responses {
			r, ok := op.Responses[status]
			if !ok {
				continue
			}
			r = resolved(t, d, key+" "+status, r.Ref, r)
			s := r.Content[echo.MIMEApplicationJSON].Schema
			if goValue == nil {
				if len(r.Content) != 0 {
					t.Errorf("%s %s: documents a body, the handler answers none", key, status)
				}
				continue
			}
			d.matchType(t, key+" "+status, reflect.TypeOf(goValue), s, false, map[string]bool{})
		}
	}
	// The error body every failure answers with.
	d.matchType(t, "ErrorBody", reflect.TypeOf(server.ErrorBody{}), &apiSchema{Ref: "#/components/schemas/ErrorBody"}, false, map[string]bool{})
}

// jsonField is one field as encoding/json encodes it.
type jsonField struct {
	name string
	typ  reflect.Type
	omit bool
}

// jsonFields lists the fields encoding/json sees in a struct, embedded
// structs without a JSON name flattened as encoding/json does.
func jsonFields(t reflect.Type) []jsonField {
	var out []jsonField
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if f.Anonymous && name == "" && ft.Kind() == reflect.Struct {
			out = append(out, jsonFields(ft)...)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		omit := strings.Contains(","+opts+",", ",omitempty,") || strings.Contains(","+opts+",", ",omitzero,")
		out = append(out, jsonField{name: name, typ: f.Type, omit: omit})
	}
	return out
}

var timeType = reflect.TypeOf(time.Time{})

// matchType checks that schema s describes Go type typ as encoding/json
// encodes it: the same JSON types, the same field names at every level, for
// answers the non-omitted fields required, and for requests (decoded with
// DisallowUnknownFields) unknown fields refused.
func (d *apiDoc) matchType(t *testing.T, where string, typ reflect.Type, s *apiSchema, request bool, seen map[string]bool) {
	t.Helper()
	if s == nil {
		t.Errorf("%s: no schema for %s", where, typ)
		return
	}
	if s.Ref != "" {
		visit := s.Ref + " " + typ.String()
		if seen[visit] {
			return
		}
		seen[visit] = true
		var target apiSchema
		if err := d.resolve(s.Ref, &target); err != nil {
			t.Errorf("%s: %v", where, err)
			return
		}
		s = &target
	}
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	want := ""
	switch {
	case typ == timeType:
		want = "string"
		if s.Format != "date-time" {
			t.Errorf("%s: a time is a string of format date-time, not %q", where, s.Format)
		}
	case typ.Kind() == reflect.String:
		want = "string"
	case typ.Kind() == reflect.Bool:
		want = "boolean"
	case typ.Kind() >= reflect.Int && typ.Kind() <= reflect.Uint64:
		want = "integer"
	case typ.Kind() == reflect.Float32 || typ.Kind() == reflect.Float64:
		want = "number"
	case typ.Kind() == reflect.Slice:
		want = "array"
	case typ.Kind() == reflect.Map || typ.Kind() == reflect.Struct:
		want = "object"
	default:
		return
	}
	if s.Type != want {
		t.Errorf("%s: %s is a JSON %s, the schema says %q", where, typ, want, s.Type)
		return
	}
	switch {
	case typ.Kind() == reflect.Slice:
		d.matchType(t, where+"[]", typ.Elem(), s.Items, request, seen)
	case typ.Kind() == reflect.Map:
		var elem apiSchema
		if err := json.Unmarshal(s.AdditionalProperties, &elem); err != nil {
			t.Errorf("%s: a map needs an additionalProperties schema: %v", where, err)
			return
		}
		d.matchType(t, where+"{}", typ.Elem(), &elem, request, seen)
	case typ.Kind() == reflect.Struct && typ != timeType:
		fields := jsonFields(typ)
		var goNames, required []string
		for _, f := range fields {
			goNames = append(goNames, f.name)
			if !f.omit {
				required = append(required, f.name)
			}
		}
		docNames := slices.Sorted(maps.Keys(s.Properties))
		sort.Strings(goNames)
		if !slices.Equal(goNames, docNames) {
			t.Errorf("%s: %s has JSON fields %v, the schema %v", where, typ, goNames, docNames)
		}
		docRequired := slices.Clone(s.Required)
		sort.Strings(docRequired)
		sort.Strings(required)
		if request {
			for _, name := range docRequired {
				if !slices.Contains(goNames, name) {
					t.Errorf("%s: requires %q, which %s does not have", where, name, typ)
				}
			}
			if string(s.AdditionalProperties) != "false" {
				t.Errorf("%s: the server refuses unknown fields, so additionalProperties must be false", where)
			}
		} else if !slices.Equal(required, docRequired) {
			t.Errorf("%s: %s always sends %v, the schema requires %v", where, typ, required, docRequired)
		}
		for _, f := range fields {
			if p, ok := s.Properties[f.name]; ok {
				d.matchType(t, where+"."+f.name, f.typ, p, request, seen)
			}
		}
	}
}

// TestOpenAPIQueryParameters checks the documented query parameters of each
// route against the ones its handler reads (c.QueryParam("x"), or q.Get("x")
// on c.QueryParams()), found in the package's source.
func TestOpenAPIQueryParameters(t *testing.T) {
	d := loadDoc(t)
	ops := d.operations(t)
	reads := queryReads(t)
	for key, handler := range registeredRoutes(t) {
		if !strings.Contains(key, " /api/v1/") && !strings.Contains(key, " /l/") {
			continue
		}
		name := handler[strings.LastIndex(handler, ".")+1:]
		name = strings.TrimSuffix(name, "-fm")
		got, ok := reads[name]
		if !ok {
			t.Errorf("%s: handler %q (from %q) not found in the source", key, name, handler)
			continue
		}
		var documented []string
		for _, p := range ops[key].Parameters {
			p = resolved(t, d, key, p.Ref, p)
			if p.In == "query" {
				documented = append(documented, p.Name)
			}
		}
		sort.Strings(documented)
		if !slices.Equal(documented, got) {
			t.Errorf("%s: documents query parameters %v, the handler reads %v", key, documented, got)
		}
	}
}

// queryReads maps each function of the package to the query parameters it
// and the package functions it calls read, sorted.
func queryReads(t *testing.T) map[string][]string {
	t.Helper()
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	direct := map[string]map[string]bool{}
	calls := map[string][]string{}
	for _, fileName := range names {
		if strings.HasSuffix(fileName, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, fileName, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range file.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			name := fn.Name.Name
			if direct[name] == nil {
				direct[name] = map[string]bool{}
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				switch f := call.Fun.(type) {
				case *ast.Ident:
					calls[name] = append(calls[name], f.Name)
				case *ast.SelectorExpr:
					calls[name] = append(calls[name], f.Sel.Name)
					recv, _ := f.X.(*ast.Ident)
					isQuery := f.Sel.Name == "QueryParam" || f.Sel.Name == "Get" && recv != nil && recv.Name == "q"
					if lit, ok := firstStringArg(call); ok && isQuery {
						direct[name][lit] = true
					}
				}
				return true
			})
		}
	}
	out := map[string][]string{}
	for name := range direct {
		found := map[string]bool{}
		visited := map[string]bool{}
		var visit func(string)
		visit = func(fn string) {
			if visited[fn] || direct[fn] == nil {
				return
			}
			visited[fn] = true
			for p := range direct[fn] {
				found[p] = true
			}
			for _, callee := range calls[fn] {
				visit(callee)
			}
		}
		visit(name)
		var params []string
		for p := range found {
			params = append(params, p)
		}
		sort.Strings(params)
		out[name] = params
	}
	return out
}

func firstStringArg(call *ast.CallExpr) (string, bool) {
	if len(call.Args) == 0 {
		return "", false
	}
	lit, ok := call.Args[0].(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// testCaller authenticates requests that name a user in X-Test-User.
var testCaller testHeaderAuth

type testHeaderAuth struct{}

func (testHeaderAuth) Authenticate(r *http.Request) (auth.Identity, bool, error) {
	u := r.Header.Get("X-Test-User")
	return auth.Identity{User: u, Method: "test"}, u != "", nil
}

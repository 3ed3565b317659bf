package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"unicode"

	"github.com/invopop/jsonschema"

	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/civil"
)

// buildOpenAPI writes the OpenAPI 3.1 document of the routes. Schemas come from the Go types
// of each route's input and output, so the document follows the code.
func buildOpenAPI(routes []*Route, version string) ([]byte, error) {
	b := &specBuilder{
		reflector: &jsonschema.Reflector{Anonymous: true, Namer: schemaName, Mapper: mapType},
		schemas:   map[string]any{},
	}
	problemRef, err := b.schema(reflect.TypeFor[Problem]())
	if err != nil {
		return nil, err
	}
	problemResponse := func(desc string) map[string]any {
		return map[string]any{"description": desc,
			"content": map[string]any{"application/problem+json": map[string]any{"schema": problemRef}}}
	}
	paths := map[string]map[string]any{}
	ids := map[string]bool{}
	for _, rt := range routes {
		if rt.undocumented {
			continue
		}
		if rt.ID == "" || ids[rt.ID] {
			return nil, fmt.Errorf("route %s %s: operation id %q is empty or used twice", rt.Method, rt.Path, rt.ID)
		}
		ids[rt.ID] = true
		operation := map[string]any{
			"operationId": rt.ID,
			"summary":     rt.Summary,
			"tags":        []string{rt.Tag},
		}
		params := pathParams(rt.Path)
		if rt.Paged {
			params = append(params,
				map[string]any{"name": "limit", "in": "query", "description": "The most items to return.",
					"schema": map[string]any{"type": "integer", "minimum": 1, "maximum": 500, "default": defaultPageLimit}},
				map[string]any{"name": "cursor", "in": "query", "description": "The next_cursor of the previous page.",
					"schema": map[string]any{"type": "string"}})
		}
		for _, q := range rt.Query {
			schema := map[string]any{"type": "string"}
			if q.Format != "" {
				schema["format"] = q.Format
			}
			params = append(params, map[string]any{"name": q.Name, "in": "query", "description": q.Description, "schema": schema})
		}
		if rt.Conditional {
			params = append(params, map[string]any{"name": "If-Match", "in": "header", "required": true,
				"description": "The ETag of the version this change applies to.",
				"schema":      map[string]any{"type": "string", "pattern": `^"v[1-9][0-9]*"$`}})
		}
		if len(params) > 0 {
			operation["parameters"] = params
		}
		if rt.in != nil {
			ref, err := b.schema(rt.in)
			if err != nil {
				return nil, err
			}
			operation["requestBody"] = map[string]any{"required": true,
				"content": map[string]any{"application/json": map[string]any{"schema": ref}}}
		}
		if rt.upload {
			operation["requestBody"] = map[string]any{"required": true, "description": "The file, as the tool exported it.",
				"content": map[string]any{
					"application/octet-stream": map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}},
					"text/csv":                 map[string]any{"schema": map[string]any{"type": "string"}},
				}}
		}
		success := map[string]any{"description": httpStatusText(rt.Status)}
		if rt.stream {
			success["content"] = map[string]any{"text/event-stream": map[string]any{"schema": map[string]any{"type": "string",
				"description": "Server-sent events: progress (the import as JSON) each time it moves, then done."}}}
		}
		if rt.out != nil {
			ref, err := b.schema(rt.out)
			if err != nil {
				return nil, err
			}
			success["content"] = map[string]any{"application/json": map[string]any{"schema": ref}}
			if rt.out.Implements(reflect.TypeFor[versioned]()) {
				success["headers"] = map[string]any{"ETag": map[string]any{
					"description": "The version of the object, for If-Match.",
					"schema":      map[string]any{"type": "string"}}}
			}
		}
		responses := map[string]any{
			fmt.Sprint(rt.Status): success,
			"default":             problemResponse("An error, as RFC 9457 problem details."),
		}
		if rt.Conditional {
			responses["412"] = problemResponse("The object changed since the version named in If-Match.")
			responses["428"] = problemResponse("If-Match is missing.")
		}
		if rt.Perm == auth.PermPublic {
			operation["security"] = []any{}
		} else {
			operation["security"] = []any{map[string]any{"bearer": []string{}}}
			responses["401"] = problemResponse("The API token is missing, unknown, revoked or expired.")
			if rt.Perm.Workspace() {
				operation["description"] = "Needs the " + rt.Perm.Role().String() + " role in the workspace (a read-only token acts as a viewer)."
				responses["403"] = problemResponse("The caller's role in the workspace is too weak.")
				responses["404"] = problemResponse("The workspace or object does not exist or is not visible to the caller.")
			}
		}
		operation["responses"] = responses
		if paths[Prefix+rt.Path] == nil {
			paths[Prefix+rt.Path] = map[string]any{}
		}
		paths[Prefix+rt.Path][strings.ToLower(rt.Method)] = operation
	}
	doc := map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "Lodestar API",
			"version":     version,
			"description": "The REST API of Lodestar, a self-hosted customer experience roadmap. Errors are RFC 9457 problem details; changes to versioned objects need If-Match with the ETag from a GET.",
		},
		"paths": paths,
		"components": map[string]any{
			"schemas": b.schemas,
			"securitySchemes": map[string]any{"bearer": map[string]any{
				"type": "http", "scheme": "bearer",
				"description": "An API token (lst_…), made per user and workspace with `lodestar token create` or the web UI.",
			}},
		},
	}
	return json.MarshalIndent(doc, "", "  ")
}

type specBuilder struct {
	reflector *jsonschema.Reflector
	schemas   map[string]any
}

// schema reflects t and returns the schema to embed (usually a $ref), moving the definitions
// it needs into components/schemas.
func (b *specBuilder) schema(t reflect.Type) (map[string]any, error) {
	raw, err := json.Marshal(b.reflector.ReflectFromType(t))
	if err != nil {
		return nil, fmt.Errorf("schema of %s: %w", t, err)
	}
	raw = bytes.ReplaceAll(raw, []byte(`"#/$defs/`), []byte(`"#/components/schemas/`))
	var s map[string]any
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, err
	}
	if defs, ok := s["$defs"].(map[string]any); ok {
		for name, def := range defs {
			b.schemas[name] = def
		}
		delete(s, "$defs")
	}
	delete(s, "$schema")
	return s, nil
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// pathParams describes the {name} wildcards of a path: each is an object id.
func pathParams(path string) []map[string]any {
	var ps []map[string]any
	for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
		if m[1] == "name" {
			// Objects named by their users (saved mappings) are addressed by that name.
			ps = append(ps, map[string]any{"name": m[1], "in": "path", "required": true,
				"description": "The name of the object.", "schema": map[string]any{"type": "string", "minLength": 1}})
			continue
		}
		ps = append(ps, map[string]any{"name": m[1], "in": "path", "required": true,
			"description": "The id of the " + m[1] + ".",
			"schema":      map[string]any{"type": "integer", "minimum": 1}})
	}
	return ps
}

// schemaName names a Go type in components/schemas: the package name goes in front unless the
// type name already starts with it (workspace.CreateInput is WorkspaceCreateInput, and
// workspace.Workspace stays Workspace), and List[T] becomes TList.
func schemaName(t reflect.Type) string {
	name := t.Name()
	if base, arg, ok := strings.Cut(name, "["); ok {
		arg = strings.TrimSuffix(arg, "]")
		dot := strings.LastIndex(arg, ".")
		pkgPath, inner := arg[:max(dot, 0)], arg[dot+1:]
		return qualify(pkgPath[strings.LastIndex(pkgPath, "/")+1:], inner) + base
	}
	pkg := t.PkgPath()
	return qualify(pkg[strings.LastIndex(pkg, "/")+1:], name)
}

func qualify(pkg, name string) string {
	switch pkg {
	case "", "httpapi", "fault":
		return name
	}
	p := []rune(pkg)
	p[0] = unicode.ToUpper(p[0])
	if strings.HasPrefix(name, string(p)) {
		return name
	}
	return string(p) + name
}

// mapType gives the schemas of types that travel as text.
func mapType(t reflect.Type) *jsonschema.Schema {
	if t == reflect.TypeFor[civil.Date]() {
		return &jsonschema.Schema{Type: "string", Format: "date"}
	}
	return nil
}

func httpStatusText(code int) string {
	switch code {
	case 201:
		return "Created"
	case 204:
		return "No Content"
	}
	return "OK"
}

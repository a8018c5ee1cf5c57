package deploy

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/awslabs/goformation/v7"
	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/intrinsics"
)

// Paths from this package's folder.
const (
	repoRoot     = "../.."
	templatePath = repoRoot + "/template.yaml"
)

// stack is the template as goformation reads it, plus the same template as plain JSON
// for the properties goformation's SAM schema does not know (e.g. FunctionResponseTypes
// of a DynamoDB event, which makes it drop the whole event's properties).
type stack struct {
	*cloudformation.Template
	raw map[string]any
}

// loadTemplate parses template.yaml with intrinsic functions kept (see intrinsic) and the
// given parameter values in place of the defaults.
func loadTemplate(t *testing.T, params map[string]any) stack {
	t.Helper()
	data, err := os.ReadFile(templatePath)
	if err != nil {
		t.Fatal(err)
	}
	handlers := make(map[string]intrinsics.IntrinsicHandler, len(cloudformation.EncoderIntrinsics))
	for name, h := range cloudformation.EncoderIntrinsics {
		handlers[name] = h
	}
	handlers["Ref"] = keepRef
	opts := &intrinsics.ProcessorOptions{IntrinsicHandlerOverrides: handlers, ParameterOverrides: params}
	tmpl, err := goformation.ParseYAMLWithOptions(data, opts)
	if err != nil {
		t.Fatalf("goformation: %v", err)
	}
	js, err := intrinsics.ProcessYAML(data, opts)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(js, &raw); err != nil {
		t.Fatal(err)
	}
	return stack{tmpl, raw}
}

// keepRef keeps a Ref as it is (see intrinsic), except a Ref to a parameter that takes
// only "true" or "false": that becomes the parameter's value as a boolean, because
// goformation's boolean fields cannot hold a reference. Tests see the parameter at work by
// loading the template with other parameter values.
func keepRef(_ string, input, template any) any {
	name, _ := input.(string)
	params, _ := template.(map[string]any)["Parameters"].(map[string]any)
	if p, ok := params[name].(map[string]any); ok {
		allowed, _ := p["AllowedValues"].([]any)
		if len(allowed) == 2 && slices.Contains(allowed, any("true")) && slices.Contains(allowed, any("false")) {
			return p["Default"] == "true"
		}
	}
	return cloudformation.Ref(input)
}

// intrinsic returns the function name and argument of a value that stands for an
// intrinsic function: goformation's encoder keeps them as base64-encoded JSON strings.
func intrinsic(v any) (name string, arg any, ok bool) {
	s, isString := v.(string)
	if !isString {
		return "", nil, false
	}
	data, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return "", nil, false
	}
	var m map[string]any
	if json.Unmarshal(data, &m) != nil || len(m) != 1 {
		return "", nil, false
	}
	for name, arg := range m {
		return name, arg, true
	}
	return "", nil, false
}

// ref returns the name a Ref refers to, or "".
func ref(v any) string {
	if name, arg, ok := intrinsic(v); ok && name == "Ref" {
		s, _ := arg.(string)
		return s
	}
	return ""
}

// getAtt returns "Resource.Attribute" of a Fn::GetAtt, or "".
func getAtt(v any) string {
	if name, arg, ok := intrinsic(v); ok && name == "Fn::GetAtt" {
		if parts, _ := arg.([]any); len(parts) == 2 {
			res, _ := parts[0].(string)
			attr, _ := parts[1].(string)
			return res + "." + attr
		}
	}
	return ""
}

// sub returns the text of a Fn::Sub without variables map, or "".
func sub(v any) string {
	if name, arg, ok := intrinsic(v); ok && name == "Fn::Sub" {
		s, _ := arg.(string)
		return s
	}
	return ""
}

// describe shows a template value readably in messages.
func describe(v any) string {
	if name, arg, ok := intrinsic(v); ok {
		js, _ := json.Marshal(arg)
		return name + "(" + string(js) + ")"
	}
	js, _ := json.Marshal(v)
	return string(js)
}

// resourceOfType returns the logical id of the one resource of the given type.
func (s stack) resourceOfType(t *testing.T, typ string) string {
	t.Helper()
	var ids []string
	for id, r := range s.Resources {
		if r.AWSCloudFormationType() == typ {
			ids = append(ids, id)
		}
	}
	if len(ids) != 1 {
		t.Fatalf("template has %d resources of type %s (%v), want 1", len(ids), typ, ids)
	}
	return ids[0]
}

// rawProperties returns a resource's properties as plain JSON.
func (s stack) rawProperties(t *testing.T, id string) map[string]any {
	t.Helper()
	res, _ := s.raw["Resources"].(map[string]any)
	r, _ := res[id].(map[string]any)
	props, _ := r["Properties"].(map[string]any)
	if props == nil {
		t.Fatalf("resource %s has no properties", id)
	}
	return props
}

// strictDecode decodes plain JSON v into out, failing on properties out does not name.
func strictDecode(t *testing.T, what string, v any, out any) {
	t.Helper()
	js, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(out); err != nil {
		t.Fatalf("%s: %v (a property this test does not know: check it and add it to the test)", what, err)
	}
}

// function is a function of the template: its logical id and its folder under functions/.
type function struct {
	id   string
	name string // folder under functions/
	dir  string // path from this package
}

// functions returns the template's functions, checking that each one's CodeUri is a
// folder under functions/.
func (s stack) functions(t *testing.T) []function {
	t.Helper()
	var list []function
	for id, f := range s.GetAllServerlessFunctionResources() {
		if f.CodeUri == nil || f.CodeUri.String == nil {
			t.Fatalf("%s: CodeUri must be a local folder", id)
		}
		uri := filepath.ToSlash(filepath.Clean(*f.CodeUri.String))
		name, ok := strings.CutPrefix(uri, "functions/")
		if !ok || name == "" || filepath.Base(name) != name {
			t.Fatalf("%s: CodeUri %q is not a folder directly under functions/", id, *f.CodeUri.String)
		}
		list = append(list, function{id: id, name: name, dir: filepath.Join(repoRoot, uri)})
	}
	slices.SortFunc(list, func(a, b function) int { return strings.Compare(a.name, b.name) })
	return list
}

package deploy

import (
	"go/ast"
	"maps"
	"path"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/ikone-ds/wissensnetz/shared/mail"
	"github.com/ikone-ds/wissensnetz/shared/store/dynamo"
	"github.com/ikone-ds/wissensnetz/shared/store/s3blob"
)

const module = "github.com/ikone-ds/wissensnetz"

// planned are permissions granted ahead of the behaviour a later issue adds to a function
// (see template.yaml). Once the function's code calls them, the test derives them and
// asks to remove them here.
var planned = map[string][]string{}

// awsClients are the constructors through which a function's main hands an AWS client to
// the code (AWS clients are built in main and passed in as narrow interfaces), and the IAM
// actions that code needs.
var awsClients = []struct {
	constructor string // import path and function
	actions     func(t *testing.T, fnCalls map[string]bool) []string
}{
	{module + "/shared/store/dynamo.New", dynamoActions},
	{module + "/shared/store/s3blob.New", s3blobActions},
	{module + "/shared/store/s3blob.NewDirect", directActions},
	{module + "/shared/mail.NewSES", sesActions},
}

// sdkOperations are the operations of the AWS SDK clients the functions build: a
// function's own code must not call them, but hand the client to one of awsClients, whose
// interfaces this test reads.
func sdkOperations() map[string]bool {
	ops := map[string]bool{}
	for _, typ := range []reflect.Type{reflect.TypeFor[*dynamodb.Client](), reflect.TypeFor[*s3.Client](), reflect.TypeFor[*sesv2.Client]()} {
		for i := range typ.NumMethod() {
			if name := typ.Method(i).Name; name != "Options" {
				ops[name] = true
			}
		}
	}
	return ops
}

// methods returns the method names of interface type T.
func methods[T any]() []string {
	typ := reflect.TypeFor[T]()
	names := make([]string, typ.NumMethod())
	for i := range names {
		names[i] = typ.Method(i).Name
	}
	return names
}

// tableTooling are the functions of shared/store/dynamo for tests and tooling, which no
// deployed function calls: DynamoDB calls made only there need no permission.
var tableTooling = []string{"CreateTable"}

// dynamoActions returns the actions of the DynamoDB calls in dynamo.API (named like the
// calls), without those that only the store's table tooling makes, unless the function
// calls that tooling itself.
func dynamoActions(t *testing.T, fnCalls map[string]bool) []string {
	api := methods[dynamo.API]()
	usedBy := map[string]map[string]bool{} // call → functions of the store that make it
	for _, src := range goSources(t, repoRoot+"/shared/store/dynamo") {
		for _, decl := range src.file.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				var call string
				switch n := n.(type) {
				case *ast.SelectorExpr: // s.db.GetItem
					if x, ok := n.X.(*ast.SelectorExpr); ok && x.Sel.Name == "db" && slices.Contains(api, n.Sel.Name) {
						call = n.Sel.Name
					}
				case *ast.Ident: // dynamodb.NewTableExistsWaiter(s.db, …) polls DescribeTable
					if strings.HasPrefix(n.Name, "NewTable") && strings.HasSuffix(n.Name, "Waiter") {
						call = "DescribeTable"
					}
				}
				if call != "" {
					if usedBy[call] == nil {
						usedBy[call] = map[string]bool{}
					}
					usedBy[call][fd.Name.Name] = true
				}
				return true
			})
		}
	}
	if len(usedBy) == 0 {
		t.Fatal("found no call through the store's client field db in shared/store/dynamo: update dynamoActions")
	}
	callsTooling := false
	for _, name := range tableTooling {
		callsTooling = callsTooling || fnCalls["."+name]
	}
	var actions []string
	for _, m := range api {
		toolingOnly := len(usedBy[m]) > 0
		for f := range usedBy[m] {
			toolingOnly = toolingOnly && slices.Contains(tableTooling, f)
		}
		// A call of the interface not made directly (e.g. through a paginator) counts as used.
		if !toolingOnly || callsTooling {
			actions = append(actions, "dynamodb:"+m)
		}
	}
	return actions
}

// s3Actions are the IAM actions of the S3 client's calls.
var s3Actions = map[string][]string{
	"GetObject":               {"s3:GetObject"},
	"HeadObject":              {"s3:GetObject"},
	"PutObject":               {"s3:PutObject"},
	"CopyObject":              {"s3:GetObject", "s3:PutObject"},
	"DeleteObject":            {"s3:DeleteObject"},
	"DeleteObjects":           {"s3:DeleteObject"},
	"ListObjectsV2":           {"s3:ListBucket"},
	"CreateMultipartUpload":   {"s3:PutObject"},
	"UploadPart":              {"s3:PutObject"},
	"CompleteMultipartUpload": {"s3:PutObject"},
	"AbortMultipartUpload":    {"s3:AbortMultipartUpload"},
	"ListParts":               {"s3:ListMultipartUploadParts"},
	"GetObjectTagging":        {"s3:GetObjectTagging"},
	// Presigning calls nothing; S3 checks the signed request against the signer's role.
	"PresignPostObject": {"s3:PutObject"},
	"PresignGetObject":  {"s3:GetObject"},
}

// s3blobActions returns the actions of the S3 calls in s3blob.API.
func s3blobActions(t *testing.T, _ map[string]bool) []string {
	var actions []string
	for _, m := range methods[s3blob.API]() {
		a, ok := s3Actions[m]
		if !ok {
			t.Errorf("s3blob.API has %s: add its IAM actions to s3Actions", m)
		}
		actions = append(actions, a...)
	}
	return actions
}

// directActions returns the actions of the S3 calls in s3blob.DirectAPI and of the
// requests s3blob.Presign signs for browsers.
func directActions(t *testing.T, _ map[string]bool) []string {
	var actions []string
	for _, m := range append(methods[s3blob.DirectAPI](), methods[s3blob.Presign]()...) {
		a, ok := s3Actions[m]
		if !ok {
			t.Errorf("s3blob.DirectAPI or Presign has %s: add its IAM actions to s3Actions", m)
		}
		actions = append(actions, a...)
	}
	return actions
}

// sesActions returns the actions of the SES calls in mail.SESClient (named like the calls).
func sesActions(*testing.T, map[string]bool) []string {
	var actions []string
	for _, m := range methods[mail.SESClient]() {
		actions = append(actions, "ses:"+m)
	}
	return actions
}

// goCalls returns what the Go files call: "<import path>.<function>" for functions of
// imported packages, ".<method>" for methods.
func goCalls(srcs []goSource) map[string]bool {
	calls := map[string]bool{}
	for _, src := range srcs {
		imports := map[string]string{}
		for _, im := range src.file.Imports {
			p := strings.Trim(im.Path.Value, `"`)
			name := path.Base(p)
			if im.Name != nil {
				name = im.Name.Name
			}
			imports[name] = p
		}
		ast.Inspect(src.file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); ok && imports[x.Name] != "" {
				calls[imports[x.Name]+"."+sel.Sel.Name] = true
			} else {
				calls["."+sel.Sel.Name] = true
			}
			return true
		})
	}
	return calls
}

// statement is one statement of a function's inline policy.
type statement struct {
	Sid       string
	Effect    string
	Action    any // string or list
	Resource  any // string or list
	Condition map[string]map[string]any
}

// stringList returns a string or a list of them as a list.
func stringList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	return []any{v}
}

// TestPolicies checks that each function's policies grant exactly the actions its code
// calls (derived from the client interfaces of the stores and the mailer it builds), plus
// those planned for it, each on this stack's table, bucket or mail sender only.
func TestPolicies(t *testing.T) {
	s := loadTemplate(t, nil)
	table := s.resourceOfType(t, "AWS::DynamoDB::Table")
	bucketID := s.resourceOfType(t, "AWS::S3::Bucket")
	bucket, _ := s.GetS3BucketWithName(bucketID)
	bucketName := ""
	if bucket.BucketName != nil {
		bucketName = sub(*bucket.BucketName)
	}

	// resourceOK reports whether res is a resource that action may be granted on.
	resourceOK := func(action string, res any, cond map[string]map[string]any) bool {
		service, call, _ := strings.Cut(action, ":")
		switch service {
		case "dynamodb":
			if getAtt(res) == table+".Arn" {
				return true
			}
			index, ok := strings.CutPrefix(sub(res), "${"+table+".Arn}/index/")
			return ok && index != "" && (call == "Query" || call == "Scan")
		case "s3":
			if call == "ListBucket" {
				return getAtt(res) == bucketID+".Arn" || (bucketName != "" && sub(res) == "arn:${AWS::Partition}:s3:::"+bucketName)
			}
			key, ok := strings.CutPrefix(sub(res), "${"+bucketID+".Arn}/")
			if !ok && bucketName != "" {
				key, ok = strings.CutPrefix(sub(res), "arn:${AWS::Partition}:s3:::"+bucketName+"/")
			}
			return ok && strings.HasSuffix(key, "*")
		case "ses":
			return sub(res) == "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/*" &&
				ref(cond["StringEquals"]["ses:FromAddress"]) == "MailSender"
		}
		return false
	}

	for _, fn := range s.functions(t) {
		t.Run(fn.name, func(t *testing.T) {
			fnCalls := goCalls(goSources(t, fn.dir))
			ops := sdkOperations()
			for call := range fnCalls {
				if name, ok := strings.CutPrefix(call, "."); ok && ops[name] {
					t.Errorf("the function's code calls %s itself: call AWS through a store or mailer package (awsClients), so that this test can derive its permissions", name)
				}
			}
			want := map[string]bool{}
			for _, c := range awsClients {
				if fnCalls[c.constructor] {
					for _, a := range c.actions(t, fnCalls) {
						want[a] = true
					}
				}
			}
			for _, a := range planned[fn.name] {
				if want[a] {
					t.Errorf("the code calls %s now: remove it from planned[%q]", a, fn.name)
				}
				want[a] = true
			}

			f, _ := s.GetServerlessFunctionWithName(fn.id)
			var stmts []any
			if p := f.Policies; p != nil {
				// goformation tries each form; a list of statements leaves [""] as a list of names.
				if p.String != nil || (p.StringArray != nil && slices.ContainsFunc(*p.StringArray, func(s string) bool { return s != "" })) {
					t.Fatalf("Policies name managed policies or policy templates: write statements, so that this test can read them")
				}
				if p.IAMPolicyDocument != nil {
					stmts = append(stmts, p.IAMPolicyDocument.Statement...)
				}
				if p.IAMPolicyDocumentArray != nil {
					for _, doc := range *p.IAMPolicyDocumentArray {
						if len(doc.Statement) == 0 {
							t.Fatalf("Policies has an entry without Statement (a policy template?): write statements, so that this test can read them")
						}
						stmts = append(stmts, doc.Statement...)
					}
				}
			}
			granted := map[string]bool{}
			for i, raw := range stmts {
				var st statement
				strictDecode(t, fn.id+" policy statement", raw, &st)
				if st.Effect != "Allow" {
					continue
				}
				for _, a := range stringList(st.Action) {
					action, _ := a.(string)
					if action == "" || strings.Contains(action, "*") {
						t.Errorf("statement %d (%s): action %s: name single actions", i, st.Sid, describe(a))
						continue
					}
					granted[action] = true
					for _, res := range stringList(st.Resource) {
						if !resourceOK(action, res, st.Condition) {
							t.Errorf("statement %d (%s): %s on %s: want this stack's table (its indexes for queries), bucket (objects under a prefix ending in *), or SES identities on the condition ses:FromAddress = MailSender", i, st.Sid, action, describe(res))
						}
					}
				}
			}
			for _, a := range slices.Sorted(maps.Keys(want)) {
				if !granted[a] {
					t.Errorf("the code needs %s, the policies do not grant it", a)
				}
			}
			for _, a := range slices.Sorted(maps.Keys(granted)) {
				if !want[a] {
					t.Errorf("the policies grant %s, the code does not call it", a)
				}
			}
		})
	}
}

// TestExtractScope checks that the extract function, which builds the whole table and
// bucket stores to log a change and store a text, may use them only where it works: the
// table's change log partition, attachments/ to read and text/ to write.
func TestExtractScope(t *testing.T) {
	s := loadTemplate(t, nil)
	var id string
	for _, fn := range s.functions(t) {
		if fn.name == "extract" {
			id = fn.id
		}
	}
	if id == "" {
		t.Fatal("no extract function in the template")
	}
	f, _ := s.GetServerlessFunctionWithName(id)
	if f.Policies == nil || f.Policies.IAMPolicyDocumentArray == nil {
		t.Fatal("extract: want a list of policy statements")
	}
	for _, doc := range *f.Policies.IAMPolicyDocumentArray {
		for _, raw := range doc.Statement {
			var st statement
			strictDecode(t, "extract policy statement", raw, &st)
			for _, a := range stringList(st.Action) {
				action := a.(string)
				for _, res := range stringList(st.Resource) {
					r := sub(res)
					switch {
					case strings.HasPrefix(action, "dynamodb:"):
						keys := stringList(st.Condition["ForAllValues:StringEquals"]["dynamodb:LeadingKeys"])
						if len(keys) != 1 || keys[0] != dynamo.ChangeLogPartition {
							t.Errorf("%s (%s): want the condition ForAllValues:StringEquals dynamodb:LeadingKeys [%s], have %v", action, st.Sid, dynamo.ChangeLogPartition, st.Condition)
						}
					case action == "s3:GetObject":
						if !strings.HasSuffix(r, "/attachments/*") {
							t.Errorf("%s on %s: want attachments/* only", action, r)
						}
					case action == "s3:ListBucket":
						if st.Condition["StringLike"]["s3:prefix"] != "text/*" {
							t.Errorf("%s: want the condition s3:prefix text/*, have %v", action, st.Condition)
						}
					case strings.HasPrefix(action, "s3:"):
						if !strings.HasSuffix(r, "/text/*") {
							t.Errorf("%s on %s: want text/* only", action, r)
						}
					}
				}
			}
		}
	}
}

package deploy

import (
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// goSource is one non-test Go file of a folder.
type goSource struct {
	path string
	text string
	file *ast.File
}

// lambdaTags are the build tags of the functions as Lambda runs them (infra/lambda/build.sh).
const lambdaTags = "lambda.norpc"

// lambdaBuild is the build context of the functions as Lambda runs them: Linux on arm64,
// with lambdaTags.
var lambdaBuild = func() build.Context {
	c := build.Default
	c.GOOS, c.GOARCH, c.CgoEnabled = "linux", "arm64", false
	c.BuildTags = strings.Split(lambdaTags, ",")
	return c
}()

// goSources parses the non-test Go files of dir that the Lambda build compiles.
func goSources(t *testing.T, dir string) []goSource {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var list []goSource
	fset := token.NewFileSet()
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		if ok, err := lambdaBuild.MatchFile(filepath.Dir(p), filepath.Base(p)); err != nil {
			t.Fatal(err)
		} else if !ok {
			continue
		}
		text, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, p, text, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		list = append(list, goSource{path: p, text: string(text), file: f})
	}
	if len(list) == 0 {
		t.Fatalf("%s has no Go files", dir)
	}
	return list
}

// TestFunctions checks that every function of the template is a main package under
// functions/, built by SAM's Go builder for provided.al2023 on arm64, and that every
// folder under functions/ is deployed.
func TestFunctions(t *testing.T) {
	s := loadTemplate(t, nil)
	var deployed []string
	for _, fn := range s.functions(t) {
		deployed = append(deployed, fn.name)
		t.Run(fn.name, func(t *testing.T) {
			for _, src := range goSources(t, fn.dir) {
				if got := src.file.Name.Name; got != "main" {
					t.Errorf("%s: package %s, want main", src.path, got)
				}
			}
			f, err := s.GetServerlessFunctionWithName(fn.id)
			if err != nil {
				t.Fatal(err)
			}
			if f.Runtime == nil || *f.Runtime != "provided.al2023" {
				t.Errorf("Runtime = %s, want provided.al2023", describe(f.Runtime))
			}
			if f.Handler == nil || *f.Handler != "bootstrap" {
				t.Errorf("Handler = %s, want bootstrap", describe(f.Handler))
			}
			if !slices.Equal(f.Architectures, []string{"arm64"}) {
				t.Errorf("Architectures = %q, want [arm64]", f.Architectures)
			}
			if got := f.AWSCloudFormationMetadata["BuildMethod"]; got != "go1.x" {
				t.Errorf("Metadata.BuildMethod = %v, want go1.x", got)
			}
			if f.MemorySize == nil || f.Timeout == nil {
				t.Errorf("MemorySize and Timeout must be set")
			}
		})
	}
	entries, err := os.ReadDir(filepath.Join(repoRoot, "functions"))
	if err != nil {
		t.Fatal(err)
	}
	var folders []string
	for _, e := range entries {
		if e.IsDir() {
			folders = append(folders, e.Name())
		}
	}
	if !slices.Equal(folders, deployed) {
		t.Errorf("folders under functions/ = %q, functions in the template = %q", folders, deployed)
	}
}

// notDeployed are environment variables the functions read that the template must not
// set, and why. The variables of the local mode are not among them: the Lambda build has
// no local mode.
var notDeployed = map[string]string{
	"AWS_LAMBDA_RUNTIME_API":        "set by Lambda itself",
	"WISSENSNETZ_DYNAMODB_ENDPOINT": "for tests against stand-ins only",
	"WISSENSNETZ_S3_ENDPOINT":       "for tests against stand-ins only",
	"WISSENSNETZ_TEST_CRASH_AT":     "for the crash tests of the indexer only",
}

// envRead finds the variables a function's code reads: os.Getenv("…"), os.LookupEnv("…")
// and the env("…", default) helper of functions/web.
var envRead = regexp.MustCompile(`\b(?:os\.Getenv|os\.LookupEnv|env)\(\s*"([A-Za-z_][A-Za-z0-9_]*)"`)

// TestEnvironment checks that every environment variable a function's configuration
// reads in the Lambda build is set in the template, and that the template sets nothing the code does not read.
func TestEnvironment(t *testing.T) {
	s := loadTemplate(t, nil)
	table := s.resourceOfType(t, "AWS::DynamoDB::Table")
	bucket := s.resourceOfType(t, "AWS::S3::Bucket")
	b, _ := s.GetS3BucketWithName(bucket)
	bucketName := ""
	if b.BucketName != nil {
		bucketName = sub(*b.BucketName)
	}
	for _, fn := range s.functions(t) {
		t.Run(fn.name, func(t *testing.T) {
			read := make(map[string]bool)
			for _, src := range goSources(t, fn.dir) {
				for _, m := range envRead.FindAllStringSubmatch(src.text, -1) {
					read[m[1]] = true
				}
			}
			f, _ := s.GetServerlessFunctionWithName(fn.id)
			set := map[string]string{}
			if f.Environment != nil {
				set = f.Environment.Variables
			}
			for name := range read {
				_, isSet := set[name]
				switch why, excluded := notDeployed[name]; {
				case excluded && isSet:
					t.Errorf("%s is set, but it is %s", name, why)
				case !excluded && !isSet:
					t.Errorf("the code reads %s, the template does not set it", name)
				}
			}
			for name, value := range set {
				if !read[name] {
					t.Errorf("the template sets %s, the code does not read it", name)
				}
				switch name {
				case "WISSENSNETZ_TABLE":
					if ref(value) != table {
						t.Errorf("%s = %s, want Ref %s", name, describe(value), table)
					}
				case "WISSENSNETZ_BUCKET":
					// The bucket's fixed name where a Ref would make a circular dependency
					// (the function its notification calls).
					if ref(value) != bucket && (bucketName == "" || sub(value) != bucketName) {
						t.Errorf("%s = %s, want Ref %s or its name", name, describe(value), bucket)
					}
				}
				if strings.Contains(name, "PASSWORD") {
					p, ok := s.Parameters[ref(value)]
					if !ok || p.NoEcho == nil || !*p.NoEcho {
						t.Errorf("%s = %s, want a Ref to a NoEcho parameter", name, describe(value))
					}
				}
			}
		})
	}
}

// localOnly are packages of the local mode that a function built for Lambda must not carry:
// the embedded store (a bbolt file) and the demo content.
var localOnly = []string{
	"github.com/ikone-ds/wissensnetz/shared/store/embedded",
	"github.com/ikone-ds/wissensnetz/infra/demo",
}

// TestLambdaBuildWithoutLocalMode checks that no function built for Lambda depends on a
// package of the local mode.
func TestLambdaBuildWithoutLocalMode(t *testing.T) {
	s := loadTemplate(t, nil)
	for _, fn := range s.functions(t) {
		t.Run(fn.name, func(t *testing.T) {
			cmd := exec.Command("go", "list", "-tags", lambdaTags, "-deps", "./functions/"+fn.name)
			cmd.Dir = repoRoot
			cmd.Env = append(os.Environ(), "GOOS="+lambdaBuild.GOOS, "GOARCH="+lambdaBuild.GOARCH, "CGO_ENABLED=0")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("go list: %v\n%s", err, out)
			}
			deps := strings.Fields(string(out))
			for _, p := range localOnly {
				if slices.Contains(deps, p) {
					t.Errorf("the Lambda build depends on %s", p)
				}
			}
		})
	}
}

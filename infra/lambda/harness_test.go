package lambda

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/ikone-ds/wissensnetz/infra/awslocal/stack"
	"github.com/ikone-ds/wissensnetz/shared/store/dynamo"
)

const (
	repoRoot = "../.."
	region   = "eu-central-1"

	// rieModule is what infra/test.sh installs; the message of a skip names it.
	rieModule = "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@v0.0.0-20261030222936-bef5c4ba774d"
)

// standins are the stand-ins for AWS a function talks to.
type standins struct {
	rie            string // path of aws-lambda-rie
	dynamoEndpoint string
	s3Endpoint     string
	access, secret string // static credentials; versitygw checks them, dynalite does not
}

// needStandins finds the emulator and the stand-ins started by infra/standins.sh. Without
// a versitygw it serves S3 with gofakes3 in this process.
func needStandins(tb testing.TB) standins {
	tb.Helper()
	if runtime.GOOS != "linux" {
		tb.Skip("the Lambda Runtime Interface Emulator runs on Linux only")
	}
	rie, err := stack.FindTool("aws-lambda-rie")
	if err != nil {
		stack.Missing(tb, fmt.Sprintf("aws-lambda-rie not found (go install %s): %v", rieModule, err))
	}
	s := standins{rie: rie, dynamoEndpoint: os.Getenv("WISSENSNETZ_TEST_DYNAMODB")}
	if s.dynamoEndpoint == "" {
		stack.Missing(tb, `dynalite not running: set WISSENSNETZ_TEST_DYNAMODB (eval "$(bash infra/standins.sh)")`)
	}
	s.s3Endpoint = os.Getenv("WISSENSNETZ_TEST_S3")
	s.access, s.secret = os.Getenv("WISSENSNETZ_TEST_S3_ACCESS"), os.Getenv("WISSENSNETZ_TEST_S3_SECRET")
	if s.s3Endpoint == "" || s.access == "" || s.secret == "" {
		srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
		tb.Cleanup(srv.Close)
		s.s3Endpoint, s.access, s.secret = srv.URL, "wissensnetz-test", "wissensnetz-test-secret"
	}
	return s
}

// webBootstrap is the web function built as Lambda runs it, for this machine's
// architecture: WISSENSNETZ_TEST_WEB_BOOTSTRAP if the test script built it already, else
// built once per test binary with the flags of infra/lambda/build.sh.
var webBootstrap = sync.OnceValues(func() (string, error) {
	if p := os.Getenv("WISSENSNETZ_TEST_WEB_BOOTSTRAP"); p != "" {
		return p, nil
	}
	dir, err := os.MkdirTemp("", "wissensnetz-bootstrap-")
	if err != nil {
		return "", err
	}
	buildDir = dir
	out := filepath.Join(dir, "bootstrap")
	if err := stack.BuildBootstrap(context.Background(), repoRoot, "./functions/web", out); err != nil {
		return "", err
	}
	return out, nil
})

// buildDir holds the bootstrap built by webBootstrap; TestMain removes it.
var buildDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

func needBootstrap(tb testing.TB) string {
	tb.Helper()
	p, err := webBootstrap()
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// dynamoClient returns a DynamoDB client on the stand-in.
func (s standins) dynamoClient() *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:       region,
		BaseEndpoint: aws.String(s.dynamoEndpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(s.access, s.secret, ""),
	})
}

// s3Client returns an S3 client on the stand-in.
func (s standins) s3Client() *s3.Client {
	return s3.New(s3.Options{
		Region:       region,
		BaseEndpoint: aws.String(s.s3Endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(s.access, s.secret, ""),
	})
}

// uniqueName returns a fresh lower-case name for a table or bucket.
func uniqueName(kind string) string {
	return fmt.Sprintf("wissensnetz-%s-%d", kind, time.Now().UnixNano())
}

// freshTable creates an empty table of the store's layout and deletes it after the test.
func (s standins) freshTable(tb testing.TB) string {
	tb.Helper()
	name := uniqueName("rie")
	db := s.dynamoClient()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := dynamo.New(db, name, nil).CreateTable(ctx); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := db.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(name)}); err != nil {
			tb.Logf("delete table %s: %v", name, err)
		}
	})
	return name
}

// freshBucket creates an empty bucket and removes it with its objects after the test.
func (s standins) freshBucket(tb testing.TB) string {
	tb.Helper()
	name := uniqueName("rie")
	c := s.s3Client()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(region)}}); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(name)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				break
			}
			for _, o := range page.Contents {
				c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(name), Key: o.Key})
			}
		}
		if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(name)}); err != nil {
			tb.Logf("delete bucket %s: %v", name, err)
		}
	})
	return name
}

// functionEnv returns the environment of the web function on the stand-ins, as Lambda
// would set it from the template plus the endpoints of the stand-ins.
func (s standins) functionEnv(table, bucket string) map[string]string {
	return map[string]string{
		"WISSENSNETZ_TABLE":             table,
		"WISSENSNETZ_BUCKET":            bucket,
		"WISSENSNETZ_BASE_URL":          "https://wissensnetz.example.de",
		"WISSENSNETZ_DYNAMODB_ENDPOINT": s.dynamoEndpoint,
		"WISSENSNETZ_S3_ENDPOINT":       s.s3Endpoint,
		"AWS_REGION":                    region,
		"AWS_ACCESS_KEY_ID":             s.access,
		"AWS_SECRET_ACCESS_KEY":         s.secret,
	}
}

// function is a bootstrap running under the emulator (stack.Function, as infra/awslocal
// runs the functions).
type function struct {
	fn      *stack.Function
	logPath string    // the emulator's and the function's output
	started time.Time // when the emulator was started
	stop    func()    // ends emulator and function; safe to call more than once
}

// output returns what the emulator and the function wrote so far.
func (f *function) output() string {
	data, _ := os.ReadFile(f.logPath)
	return string(data)
}

// startFunction starts the emulator with bootstrap and env and waits until it takes
// invocations; the function itself starts with the first one. It is stopped after the
// test, the emulator and the function together.
func startFunction(tb testing.TB, rie, bootstrap string, env map[string]string) *function {
	tb.Helper()
	return startFunctionOn(tb, rie, bootstrap, env, "")
}

// startFunctionOn is startFunction with the emulator and the function kept on the
// processors cpus ("" for any).
func startFunctionOn(tb testing.TB, rie, bootstrap string, env map[string]string, cpus string) *function {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	f := &function{logPath: filepath.Join(tb.TempDir(), "function.log"), started: time.Now()}
	fn, err := stack.StartFunction(ctx, stack.FunctionConfig{
		Name: "wissensnetz-web", RIE: rie, Bootstrap: bootstrap, Env: env, LogPath: f.logPath, CPUs: cpus,
	})
	if err != nil {
		tb.Fatal(err)
	}
	f.fn = fn
	var once sync.Once
	f.stop = func() { once.Do(func() { fn.Stop() }) }
	tb.Cleanup(func() {
		f.stop()
		if tb.Failed() {
			tb.Logf("output of the emulator and the function:\n%s", tail(f.output(), 60))
		}
	})
	return f
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// invoke sends one event to the function and returns its answer.
func (f *function) invoke(tb testing.TB, ev events.APIGatewayV2HTTPRequest) events.APIGatewayV2HTTPResponse {
	tb.Helper()
	body, err := json.Marshal(ev)
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := f.fn.Invoke(ctx, body)
	if err != nil {
		tb.Fatalf("invoke %s %s: %v", ev.RequestContext.HTTP.Method, ev.RawPath, err)
	}
	if res.FunctionError != "" {
		tb.Fatalf("invoke %s %s: the function failed: %s: %s", ev.RequestContext.HTTP.Method, ev.RawPath, res.FunctionError, res.Payload)
	}
	var out events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(res.Payload, &out); err != nil || out.StatusCode == 0 {
		tb.Fatalf("invoke %s %s: answer is no API Gateway response (%v): %.500s", ev.RequestContext.HTTP.Method, ev.RawPath, err, res.Payload)
	}
	return out
}

// sampleRequest is aws-lambda-go's sample API Gateway v2 event (GET / without authorizer).
var sampleRequest = sync.OnceValues(func() ([]byte, error) {
	return os.ReadFile("testdata/apigw-v2-request-no-authorizer.json")
})

// request builds an API Gateway HTTP API event (payload 2.0, $default stage) from the
// sample: method, target (path and raw query string), the browser's cookies, and for POSTs
// a form, sent base64-encoded as API Gateway does.
func request(tb testing.TB, method, target string, cookies map[string]string, form url.Values) events.APIGatewayV2HTTPRequest {
	tb.Helper()
	data, err := sampleRequest()
	if err != nil {
		tb.Fatal(err)
	}
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(data, &ev); err != nil {
		tb.Fatal(err)
	}
	path, query, _ := strings.Cut(target, "?")
	ev.RawPath, ev.RawQueryString = path, query
	ev.RequestContext.HTTP.Method, ev.RequestContext.HTTP.Path = method, path
	ev.RequestContext.RequestID = fmt.Sprintf("rie-%d", time.Now().UnixNano())
	ev.RequestContext.TimeEpoch = time.Now().UnixMilli()
	if q, err := url.ParseQuery(query); err == nil && len(q) > 0 {
		ev.QueryStringParameters = map[string]string{}
		for k, v := range q {
			ev.QueryStringParameters[k] = strings.Join(v, ",")
		}
	}
	for name, value := range cookies {
		ev.Cookies = append(ev.Cookies, name+"="+value)
	}
	ev.Headers["accept"] = "text/html"
	ev.Headers["accept-language"] = "de-DE,de;q=0.9"
	if form != nil {
		body := form.Encode()
		ev.Headers["content-type"] = "application/x-www-form-urlencoded"
		ev.Headers["content-length"] = fmt.Sprint(len(body))
		ev.Headers["origin"] = "https://" + ev.RequestContext.DomainName
		ev.Body, ev.IsBase64Encoded = base64.StdEncoding.EncodeToString([]byte(body)), true
	}
	return ev
}

// browser keeps the cookies a function sets, like a browser would.
type browser map[string]string

// take stores the cookies of an answer (and forgets the cleared ones).
func (b browser) take(tb testing.TB, resp events.APIGatewayV2HTTPResponse) {
	tb.Helper()
	for _, line := range resp.Cookies {
		c, err := http.ParseSetCookie(line)
		if err != nil {
			tb.Fatalf("Set-Cookie %q: %v", line, err)
		}
		if c.MaxAge < 0 || c.Value == "" {
			delete(b, c.Name)
		} else {
			b[c.Name] = c.Value
		}
	}
}

// csrfField finds the form token in a page.
var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func formToken(tb testing.TB, page string) string {
	tb.Helper()
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		tb.Fatalf("no form token in the page:\n%.2000s", page)
	}
	return m[1]
}

// pageBody returns the HTML of an answer.
func pageBody(tb testing.TB, resp events.APIGatewayV2HTTPResponse) string {
	tb.Helper()
	if !resp.IsBase64Encoded {
		return resp.Body
	}
	b, err := base64.StdEncoding.DecodeString(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// header returns a header of an answer, whatever its case.
func header(resp events.APIGatewayV2HTTPResponse, name string) string {
	for k, v := range resp.Headers {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

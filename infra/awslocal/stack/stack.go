package stack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/ikone-ds/wissensnetz/shared/store/dynamo"
)

// Region is the AWS region the stack pretends to run in.
const Region = "eu-central-1"

// Default credentials of the S3 stand-in the stack starts itself (loopback only).
const (
	defaultS3Access = "wissensnetz-local"
	defaultS3Secret = "wissensnetz-local-secret"
)

// Config says what Start runs.
type Config struct {
	// Web is the number of web instances (Lambda execution environments of the web
	// function), each behind its own HTTP front. 0 starts none.
	Web int
	// DataDir keeps the stack's folder (logs, builds, failure queue) and, when the stack
	// starts its own stand-ins, their data, so that a later start finds it again. Empty
	// means a temporary folder removed by Close.
	DataDir string
	// Standins are running stand-ins to use; nil means those StandinsFromEnv finds, and
	// without any, dynalite and versitygw started by the stack.
	Standins *Standins
	// Install lets Start run `bash infra/standins.sh install` when a stand-in is missing.
	Install bool
	// Table and Bucket name the table and bucket; empty means "wissensnetz" with a
	// DataDir and a fresh unique name without one.
	Table, Bucket string
	// Env is added to the environment of every function; IndexerEnv, ExtractEnv and WebEnv
	// to that of one (and win over Env).
	Env, WebEnv, IndexerEnv, ExtractEnv map[string]string
	// WebBootstrap, IndexerBootstrap and ExtractBootstrap are the functions as built for
	// Lambda; empty means the path in BootstrapEnvVar's variable, or else a build into the
	// stack's folder.
	WebBootstrap, IndexerBootstrap, ExtractBootstrap string
	// IndexerTimeout is the indexer's function timeout; 0 means 60 s.
	IndexerTimeout time.Duration
	// Streams configure the delivery of stream records to the indexer.
	Streams StreamOptions
	// Root is the module's root folder; empty means found from the working directory.
	Root string
	// Logger gets the stack's own messages; nil writes them to logs/awslocal.log.
	Logger *slog.Logger
}

// Stack is the AWS shape of Wissensnetz running on this machine.
type Stack struct {
	cfg      Config
	root     string
	dir      string
	tempDir  bool // dir is removed by Close
	log      *slog.Logger
	logFile  *os.File
	rie      string
	table    string
	bucket   string
	standins Standins
	ownTable bool // created in stand-ins not started here, removed by Close

	procs   []*process // stand-ins started here
	servers []*http.Server

	dynamoURL, s3URL string // the proxies
	streams          *streamProxy
	delivery         *delivery
	notifier         *notifier
	bootstraps       map[string]string
	baseEnv          map[string]string

	mu      sync.Mutex
	indexer *Function
	extract *Function
	webs    []*webInstance

	closeOnce sync.Once
	closeErr  error
}

// webInstance is one web function environment behind its front.
type webInstance struct {
	url string
	fn  *Function
	mu  sync.Mutex // guards fn
}

func (w *webInstance) Invoke(ctx context.Context, event []byte) (InvokeResult, error) {
	w.mu.Lock()
	fn := w.fn
	w.mu.Unlock()
	if fn == nil {
		return InvokeResult{}, errStopped
	}
	return fn.Invoke(ctx, event)
}

// Start starts the stand-ins (or takes cfg.Standins), creates the table and the bucket,
// the DynamoDB Streams and S3 notification proxies, the indexer and extract functions and
// cfg.Web web instances under the Runtime Interface Emulator, and returns when every web
// front takes requests. Everything it started is stopped again if it fails.
func Start(ctx context.Context, cfg Config) (_ *Stack, err error) {
	s := &Stack{cfg: cfg, root: cfg.Root}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	if s.root == "" {
		if s.root, err = FindRoot(); err != nil {
			return nil, err
		}
	}
	if s.rie, err = FindTool("aws-lambda-rie"); err != nil && cfg.Install {
		if err := install(ctx, s.root); err != nil {
			return nil, fmt.Errorf("awslocal: %w", err)
		}
		s.rie, err = FindTool("aws-lambda-rie")
	}
	if err != nil {
		return nil, fmt.Errorf("awslocal: %w (bash infra/standins.sh install)", err)
	}
	if err := s.makeDir(); err != nil {
		return nil, err
	}
	if err := s.startStandins(ctx); err != nil {
		return nil, err
	}
	if err := s.createTableAndBucket(ctx); err != nil {
		return nil, err
	}
	if err := s.startProxies(); err != nil {
		return nil, err
	}
	if err := s.findBootstraps(ctx); err != nil {
		return nil, err
	}
	s.baseEnv = map[string]string{
		"WISSENSNETZ_TABLE":             s.table,
		"WISSENSNETZ_BUCKET":            s.bucket,
		"WISSENSNETZ_DYNAMODB_ENDPOINT": s.dynamoURL,
		"WISSENSNETZ_S3_ENDPOINT":       s.s3URL,
		"AWS_REGION":                    Region,
		"AWS_ACCESS_KEY_ID":             s.standins.S3Access,
		"AWS_SECRET_ACCESS_KEY":         s.standins.S3Secret,
	}
	for _, k := range []string{"WISSENSNETZ_BOOTSTRAP_ADMIN_EMAIL", "WISSENSNETZ_BOOTSTRAP_ADMIN_PASSWORD", "WISSENSNETZ_BOOTSTRAP_ADMIN_NAME"} {
		if v, ok := os.LookupEnv(k); ok {
			s.baseEnv[k] = v
		}
	}
	maps.Copy(s.baseEnv, cfg.Env)
	if err := s.StartIndexer(ctx); err != nil {
		return nil, err
	}
	if err := s.startExtract(ctx); err != nil {
		return nil, err
	}
	for i := 0; i < cfg.Web; i++ {
		if err := s.startWeb(ctx, i); err != nil {
			return nil, err
		}
	}
	s.log.Info("stack ready", "dir", s.dir, "table", s.table, "bucket", s.bucket, "web", cfg.Web)
	return s, nil
}

// makeDir creates the stack's folder and its logs folder, and the stack's log.
func (s *Stack) makeDir() error {
	s.dir = s.cfg.DataDir
	if s.dir == "" {
		d, err := os.MkdirTemp("", "wissensnetz-awslocal-")
		if err != nil {
			return fmt.Errorf("awslocal: %w", err)
		}
		s.dir, s.tempDir = d, true
	} else if d, err := filepath.Abs(s.dir); err == nil {
		s.dir = d
	}
	if err := os.MkdirAll(filepath.Join(s.dir, "logs"), 0o755); err != nil {
		return fmt.Errorf("awslocal: %w", err)
	}
	s.log = s.cfg.Logger
	if s.log == nil {
		f, err := openLog(filepath.Join(s.dir, "logs", "awslocal.log"))
		if err != nil {
			return fmt.Errorf("awslocal: %w", err)
		}
		s.logFile = f
		s.log = slog.New(slog.NewTextHandler(f, nil))
	}
	return nil
}

// startStandins starts dynalite and versitygw unless cfg.Standins gives running ones.
func (s *Stack) startStandins(ctx context.Context) error {
	if s.cfg.Standins == nil {
		s.cfg.Standins = StandinsFromEnv()
	}
	if s.cfg.Standins != nil {
		s.standins = *s.cfg.Standins
		return nil
	}
	tools, err := findStandins(ctx, s.root, s.cfg.Install)
	if err != nil {
		return fmt.Errorf("awslocal: %w", err)
	}
	dynArgs := func(addr string) []string {
		_, port, _ := net.SplitHostPort(addr)
		args := []string{"--port", port, "--host", "127.0.0.1", "--createTableMs", "0"}
		if s.cfg.DataDir != "" {
			args = append(args, "--path", filepath.Join(s.dir, "dynamodb"))
		}
		return args
	}
	if s.cfg.DataDir != "" {
		if err := os.MkdirAll(filepath.Join(s.dir, "dynamodb"), 0o755); err != nil {
			return fmt.Errorf("awslocal: %w", err)
		}
	}
	p, addr, err := startStandin(ctx, "dynalite", s.logPath("dynalite"), dynArgs, tools.dynalite)
	if err != nil {
		return fmt.Errorf("awslocal: %w", err)
	}
	s.procs = append(s.procs, p)
	s.standins.DynamoDB = "http://" + addr

	s3dir := filepath.Join(s.dir, "s3")
	if err := os.MkdirAll(s3dir, 0o755); err != nil {
		return fmt.Errorf("awslocal: %w", err)
	}
	s.standins.S3Access, s.standins.S3Secret = defaultS3Access, defaultS3Secret
	gwArgs := func(addr string) []string {
		return []string{"--port", addr, "--access", s.standins.S3Access, "--secret", s.standins.S3Secret,
			"--region", Region, "--quiet", "posix", s3dir}
	}
	p, addr, err = startStandin(ctx, "versitygw", s.logPath("versitygw"), gwArgs, tools.versitygw)
	if err != nil {
		return fmt.Errorf("awslocal: %w", err)
	}
	s.procs = append(s.procs, p)
	s.standins.S3 = "http://" + addr
	return nil
}

// createTableAndBucket creates the table (with the store's layout) and the bucket, if
// they do not exist yet.
func (s *Stack) createTableAndBucket(ctx context.Context) error {
	s.table, s.bucket = s.cfg.Table, s.cfg.Bucket
	unique := "wissensnetz-" + randomHex(4)
	if s.cfg.DataDir != "" {
		unique = "wissensnetz"
	}
	if s.table == "" {
		s.table = unique
	}
	if s.bucket == "" {
		s.bucket = unique
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := dynamo.New(s.directDynamoDB(), s.table, nil).CreateTable(ctx); err != nil {
		return fmt.Errorf("awslocal: %w", err)
	}
	_, err := s.directS3().CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(s.bucket),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(Region)}})
	var owned *s3types.BucketAlreadyOwnedByYou
	if err != nil && !errors.As(err, &owned) {
		return fmt.Errorf("awslocal: create bucket %s: %w", s.bucket, err)
	}
	// As the template's CorsConfiguration: the pages' script posts uploads to the bucket.
	// Any origin, since the web fronts' ports are chosen later (everything is loopback).
	if _, err := s.directS3().PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: aws.String(s.bucket),
		CORSConfiguration: &s3types.CORSConfiguration{CORSRules: []s3types.CORSRule{{
			AllowedMethods: []string{"POST"}, AllowedOrigins: []string{"*"}, AllowedHeaders: []string{"*"}, ExposeHeaders: []string{"ETag"}, MaxAgeSeconds: aws.Int32(3600),
		}}}}); err != nil {
		return fmt.Errorf("awslocal: cors of bucket %s: %w", s.bucket, err)
	}
	s.ownTable = s.cfg.Standins != nil && s.cfg.DataDir == ""
	return nil
}

// serve serves h on a free loopback port and returns its base URL.
func (s *Stack) serve(h http.Handler) (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("awslocal: listen: %w", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	s.servers = append(s.servers, srv)
	go srv.Serve(l)
	return "http://" + l.Addr().String(), nil
}

// startProxies starts the DynamoDB Streams proxy with its delivery, and the S3
// notification proxy with its notifier.
func (s *Stack) startProxies() error {
	s.streams = newStreamProxy(s.standins.DynamoDB, s.table, Region,
		aws.Credentials{AccessKeyID: s.standins.S3Access, SecretAccessKey: s.standins.S3Secret}, s.log, nil)
	s.delivery = newDelivery(s.cfg.Streams, s.streams.streamARN, filepath.Join(s.dir, "streams-failures.jsonl"), s.log)
	s.streams.emit = s.delivery.add
	go s.delivery.run() // waits for the indexer
	var err error
	if s.dynamoURL, err = s.serve(s.streams); err != nil {
		return err
	}
	s.notifier = newNotifier(s.log)
	go s.notifier.run() // waits for the extract function
	np := &notifyProxy{
		target: strings.TrimRight(s.standins.S3, "/"), bucket: s.bucket, region: Region, s3: s.directS3(), log: s.log,
		send: s.notifier.add,
		client: &http.Client{
			Timeout:   10 * time.Minute, // large uploads
			Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 16, ResponseHeaderTimeout: 2 * time.Minute},
			// A proxy passes redirects on (a POST upload's success_action_redirect sends
			// the browser back to the site); following them would answer with the site's
			// page, fetched without the browser's cookies.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	s.s3URL, err = s.serve(np)
	return err
}

// findBootstraps takes the functions' bootstraps from the config or the environment, and
// builds the others into the stack's folder.
func (s *Stack) findBootstraps(ctx context.Context) error {
	s.bootstraps = map[string]string{"web": s.cfg.WebBootstrap, "indexer": s.cfg.IndexerBootstrap, "extract": s.cfg.ExtractBootstrap}
	if s.cfg.Web == 0 && s.bootstraps["web"] == "" {
		delete(s.bootstraps, "web")
	}
	for name, path := range s.bootstraps {
		if path == "" {
			path = os.Getenv(BootstrapEnvVar(name))
		}
		if path == "" {
			path = filepath.Join(s.dir, "build", name, "bootstrap")
			s.log.Info("building", "function", name)
			if err := BuildBootstrap(ctx, s.root, "./functions/"+name, path); err != nil {
				return fmt.Errorf("awslocal: %w", err)
			}
		}
		s.bootstraps[name] = path
	}
	return nil
}

// functionEnv returns the environment of a function: the stack's, then extra.
func (s *Stack) functionEnv(extra map[string]string, more ...map[string]string) map[string]string {
	env := maps.Clone(s.baseEnv)
	maps.Copy(env, extra)
	for _, m := range more {
		maps.Copy(env, m)
	}
	return env
}

func (s *Stack) logPath(name string) string { return filepath.Join(s.dir, "logs", name+".log") }

// StartIndexer starts the indexer in a fresh execution environment (its next invocation
// is a cold start) if it is not running, and lets stream records flow to it again.
func (s *Stack) StartIndexer(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.indexer != nil {
		return nil
	}
	timeout := s.cfg.IndexerTimeout
	if timeout <= 0 {
		timeout = time.Minute
	}
	fn, err := StartFunction(ctx, FunctionConfig{
		Name: "wissensnetz-indexer", RIE: s.rie, Bootstrap: s.bootstraps["indexer"],
		Env:     s.functionEnv(s.cfg.IndexerEnv),
		Timeout: timeout, LogPath: s.logPath("indexer"), TempDir: filepath.Join(s.dir, "tmp", "indexer"),
	})
	if err != nil {
		return fmt.Errorf("awslocal: %w", err)
	}
	s.indexer = fn
	s.delivery.setFunction(fn)
	return nil
}

// SetIndexerEnv replaces the indexer's own environment (Config.IndexerEnv) for its next
// start, such as fault injection that only a later cold start should see.
func (s *Stack) SetIndexerEnv(env map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg.IndexerEnv = maps.Clone(env)
}

// StopIndexer kills the indexer's emulator and function (SIGKILL, as when Lambda ends an
// environment or it crashes), also in the middle of an invocation, which then counts as
// a function error. Stream records wait until StartIndexer.
func (s *Stack) StopIndexer() error {
	s.mu.Lock()
	fn := s.indexer
	s.indexer = nil
	s.mu.Unlock()
	s.delivery.setFunction(nil)
	if fn == nil {
		return nil
	}
	return fn.Stop()
}

// InvokeIndexer invokes the indexer directly with ev (waiting while a batch of the stream
// is delivered) and returns its answer; a function error is returned as an error.
func (s *Stack) InvokeIndexer(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	s.mu.Lock()
	fn := s.indexer
	s.mu.Unlock()
	if fn == nil {
		return events.DynamoDBEventResponse{}, fmt.Errorf("awslocal: invoke indexer: %w", errStopped)
	}
	payload, err := json.Marshal(ev)
	if err != nil {
		return events.DynamoDBEventResponse{}, fmt.Errorf("awslocal: invoke indexer: %w", err)
	}
	res, err := fn.Invoke(ctx, payload)
	if err != nil {
		return events.DynamoDBEventResponse{}, fmt.Errorf("awslocal: %w", err)
	}
	if res.FunctionError != "" {
		return events.DynamoDBEventResponse{}, fmt.Errorf("awslocal: indexer: function error %s: %s", res.FunctionError, truncate(res.Payload, 500))
	}
	var resp events.DynamoDBEventResponse
	if len(res.Payload) > 0 && string(res.Payload) != "null" {
		if err := json.Unmarshal(res.Payload, &resp); err != nil {
			return resp, fmt.Errorf("awslocal: indexer's answer: %w", err)
		}
	}
	return resp, nil
}

// startExtract starts the extract function.
func (s *Stack) startExtract(ctx context.Context) error {
	fn, err := StartFunction(ctx, FunctionConfig{
		Name: "wissensnetz-extract", RIE: s.rie, Bootstrap: s.bootstraps["extract"],
		Env:     s.functionEnv(s.cfg.ExtractEnv),
		Timeout: time.Minute, LogPath: s.logPath("extract"), TempDir: filepath.Join(s.dir, "tmp", "extract"),
	})
	if err != nil {
		return fmt.Errorf("awslocal: %w", err)
	}
	s.mu.Lock()
	s.extract = fn
	s.mu.Unlock()
	s.notifier.setFunction(fn)
	return nil
}

// startWeb starts web instance i: its front on a free port, then its function, which
// gets the front's address as WISSENSNETZ_BASE_URL.
func (s *Stack) startWeb(ctx context.Context, i int) error {
	w := &webInstance{}
	url, err := s.serve(NewFront(w, s.log.With("web", i+1)))
	if err != nil {
		return err
	}
	w.url = url
	s.mu.Lock()
	s.webs = append(s.webs, w)
	s.mu.Unlock()
	return s.startWebFunction(ctx, i, w)
}

func (s *Stack) startWebFunction(ctx context.Context, i int, w *webInstance) error {
	fn, err := StartFunction(ctx, FunctionConfig{
		Name: "wissensnetz-web", RIE: s.rie, Bootstrap: s.bootstraps["web"],
		Env:     s.functionEnv(map[string]string{"WISSENSNETZ_BASE_URL": w.url}, s.cfg.WebEnv),
		Timeout: IntegrationTimeout, LogPath: s.logPath(fmt.Sprintf("web-%d", i+1)),
		TempDir: filepath.Join(s.dir, "tmp", fmt.Sprintf("web-%d", i+1)),
	})
	if err != nil {
		return fmt.Errorf("awslocal: web %d: %w", i+1, err)
	}
	w.mu.Lock()
	w.fn = fn
	w.mu.Unlock()
	return nil
}

// RestartWeb replaces web instance i (counting from 0) by a fresh execution environment,
// on the same address: its next request is a cold start.
func (s *Stack) RestartWeb(ctx context.Context, i int) error {
	s.mu.Lock()
	if i < 0 || i >= len(s.webs) {
		s.mu.Unlock()
		return fmt.Errorf("awslocal: no web instance %d", i)
	}
	w := s.webs[i]
	s.mu.Unlock()
	w.mu.Lock()
	old := w.fn
	w.fn = nil
	w.mu.Unlock()
	if old != nil {
		if err := old.Stop(); err != nil {
			return fmt.Errorf("awslocal: %w", err)
		}
	}
	return s.startWebFunction(ctx, i, w)
}

// WebURL returns the base URL of web instance i, counting from 0 (the command prints it
// as "web i+1").
func (s *Stack) WebURL(i int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webs[i].url
}

// Webs returns the number of web instances.
func (s *Stack) Webs() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.webs)
}

// Table returns the name of the table.
func (s *Stack) Table() string { return s.table }

// Bucket returns the name of the bucket.
func (s *Stack) Bucket() string { return s.bucket }

// Dir returns the stack's folder: logs/, the failure queue, builds and, with a DataDir,
// the stand-ins' data.
func (s *Stack) Dir() string { return s.dir }

// Credentials returns the access key and secret the S3 stand-in accepts (any work for
// the DynamoDB one).
func (s *Stack) Credentials() (access, secret string) {
	return s.standins.S3Access, s.standins.S3Secret
}

// DynamoDBEndpoint returns the URL of the DynamoDB API the functions use: the streams
// proxy, so that every write through it gives stream records.
func (s *Stack) DynamoDBEndpoint() string { return s.dynamoURL }

// S3Endpoint returns the URL of the S3 API the functions use: the notification proxy
// (path-style addressing).
func (s *Stack) S3Endpoint() string { return s.s3URL }

// DynamoDB returns a client of the DynamoDB API through the streams proxy: its writes give
// stream records like the functions' writes.
func (s *Stack) DynamoDB() *dynamodb.Client { return s.dynamoClient(s.dynamoURL) }

// S3 returns a client of the S3 API through the notification proxy.
func (s *Stack) S3() *s3.Client { return s.s3Client(s.s3URL) }

func (s *Stack) directDynamoDB() *dynamodb.Client { return s.dynamoClient(s.standins.DynamoDB) }
func (s *Stack) directS3() *s3.Client             { return s.s3Client(s.standins.S3) }

func (s *Stack) dynamoClient(endpoint string) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region: Region, BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider(s.standins.S3Access, s.standins.S3Secret, ""),
	})
}

func (s *Stack) s3Client(endpoint string) *s3.Client {
	return s3.New(s3.Options{
		Region: Region, BaseEndpoint: aws.String(endpoint), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(s.standins.S3Access, s.standins.S3Secret, ""),
	})
}

// PauseStreams holds the delivery of stream records; records keep being collected.
func (s *Stack) PauseStreams() { s.delivery.setPaused(true) }

// ResumeStreams lets stream records flow to the indexer again.
func (s *Stack) ResumeStreams() { s.delivery.setPaused(false) }

// WaitStreamsIdle waits until every stream record so far has reached the indexer (or
// the failure queue) and no invocation runs. While delivery is paused or the indexer
// stopped, it waits until ctx ends.
func (s *Stack) WaitStreamsIdle(ctx context.Context) error {
	if err := s.delivery.waitIdle(ctx); err != nil {
		return fmt.Errorf("awslocal: %w", err)
	}
	return nil
}

// StreamRecords returns every stream record emitted so far, in stream order.
func (s *Stack) StreamRecords() []events.DynamoDBEventRecord {
	_, _, recs := s.delivery.snapshot()
	return recs
}

// StreamInvocations returns the indexer's invocations with stream records so far, in
// order, with their outcome.
func (s *Stack) StreamInvocations() []StreamInvocation {
	_, invs, _ := s.delivery.snapshot()
	return invs
}

// FailureQueue returns the batches that went to the on-failure destination so far (also
// written as JSON lines to streams-failures.jsonl in the stack's folder).
func (s *Stack) FailureQueue() []FailedBatch {
	f, _, _ := s.delivery.snapshot()
	return f
}

// Notifications returns the S3 event records sent to the extract function so far.
func (s *Stack) Notifications() []events.S3EventRecord { return s.notifier.sentRecords() }

// WaitNotificationsIdle waits until every S3 event so far has been sent to the extract
// function.
func (s *Stack) WaitNotificationsIdle(ctx context.Context) error {
	if err := s.notifier.waitIdle(ctx); err != nil {
		return fmt.Errorf("awslocal: %w", err)
	}
	return nil
}

// LogPath returns the log file of a process of the stack: "web-1" (and so on),
// "indexer", "extract", "dynalite", "versitygw" or "awslocal" (the stack's own).
func (s *Stack) LogPath(name string) string { return s.logPath(name) }

// LogTail returns the last n lines of a log (see LogPath), or a note why there is none.
func (s *Stack) LogTail(name string, n int) string {
	data, err := os.ReadFile(s.logPath(name))
	if err != nil {
		return fmt.Sprintf("(no log %s: %v)", name, err)
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// Close stops everything the stack started (fronts, functions, proxies, stand-ins),
// removes the table and bucket it created in stand-ins it did not start, and a temporary
// folder. It is safe to call more than once.
func (s *Stack) Close() error {
	s.closeOnce.Do(func() { s.closeErr = s.close() })
	return s.closeErr
}

func (s *Stack) close() error {
	var errs []error
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, srv := range s.servers {
		srv.Shutdown(ctx)
		srv.Close()
	}
	if s.delivery != nil {
		s.delivery.close()
	}
	if s.notifier != nil {
		s.notifier.close()
	}
	s.mu.Lock()
	fns := []*Function{s.indexer, s.extract}
	for _, w := range s.webs {
		w.mu.Lock()
		fns = append(fns, w.fn)
		w.fn = nil
		w.mu.Unlock()
	}
	s.indexer, s.extract = nil, nil
	s.mu.Unlock()
	for _, fn := range fns {
		if fn != nil {
			if err := fn.Stop(); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if s.ownTable {
		if err := s.removeTableAndBucket(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	for _, p := range s.procs {
		if err := p.stop(3 * time.Second); err != nil {
			errs = append(errs, err)
		}
	}
	if s.log != nil {
		s.log.Info("stack stopped")
	}
	if s.logFile != nil {
		s.logFile.Close()
	}
	if s.tempDir {
		if err := os.RemoveAll(s.dir); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("awslocal: close: %w", err)
	}
	return nil
}

// removeTableAndBucket deletes the table, and the bucket with its objects.
func (s *Stack) removeTableAndBucket(ctx context.Context) error {
	var errs []error
	if _, err := s.directDynamoDB().DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(s.table)}); err != nil {
		errs = append(errs, fmt.Errorf("delete table %s: %w", s.table, err))
	}
	c := s.directS3()
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(s.bucket)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			errs = append(errs, fmt.Errorf("list bucket %s: %w", s.bucket, err))
			break
		}
		for _, o := range page.Contents {
			c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(s.bucket), Key: o.Key})
		}
	}
	if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(s.bucket)}); err != nil {
		errs = append(errs, fmt.Errorf("delete bucket %s: %w", s.bucket, err))
	}
	return errors.Join(errs...)
}

var _ io.Closer = (*Stack)(nil)

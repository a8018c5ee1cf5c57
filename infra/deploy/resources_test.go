package deploy

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	cfndynamodb "github.com/awslabs/goformation/v7/cloudformation/dynamodb"

	"github.com/ikone-ds/wissensnetz/shared/store/dynamo"
)

// tableRecorder is a DynamoDB client that only records the table CreateTable asks for and
// reports it active.
type tableRecorder struct {
	dynamo.API // the other methods are not called
	in         *dynamodb.CreateTableInput
}

func (r *tableRecorder) CreateTable(_ context.Context, in *dynamodb.CreateTableInput, _ ...func(*dynamodb.Options)) (*dynamodb.CreateTableOutput, error) {
	r.in = in
	return &dynamodb.CreateTableOutput{}, nil
}

func (r *tableRecorder) DescribeTable(context.Context, *dynamodb.DescribeTableInput, ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error) {
	return &dynamodb.DescribeTableOutput{Table: &types.TableDescription{TableStatus: types.TableStatusActive}}, nil
}

// storeTable returns the table the DynamoDB store creates for tests and tooling.
func storeTable(t *testing.T) *dynamodb.CreateTableInput {
	t.Helper()
	rec := &tableRecorder{}
	if err := dynamo.New(rec, "wissensnetz", nil).CreateTable(t.Context()); err != nil {
		t.Fatal(err)
	}
	if rec.in == nil {
		t.Fatal("CreateTable did not call DynamoDB's CreateTable")
	}
	return rec.in
}

// Comparable forms of keys, attributes and projections.

func storeKeys(ks []types.KeySchemaElement) string {
	var parts []string
	for _, k := range ks {
		parts = append(parts, *k.AttributeName+" "+string(k.KeyType))
	}
	return strings.Join(parts, ", ")
}

func templateKeys(ks []cfndynamodb.Table_KeySchema) string {
	var parts []string
	for _, k := range ks {
		parts = append(parts, k.AttributeName+" "+k.KeyType)
	}
	return strings.Join(parts, ", ")
}

func storeProjection(p *types.Projection) string {
	attrs := slices.Clone(p.NonKeyAttributes)
	slices.Sort(attrs)
	return fmt.Sprintf("%s %q", p.ProjectionType, attrs)
}

func templateProjection(p *cfndynamodb.Table_Projection) string {
	if p == nil || p.ProjectionType == nil {
		return "<none>"
	}
	attrs := slices.Clone(p.NonKeyAttributes)
	slices.Sort(attrs)
	return fmt.Sprintf("%s %q", *p.ProjectionType, attrs)
}

// TestTable checks that the deployed table has the keys and indexes the DynamoDB store
// creates (and so uses), and the settings of a source of truth: on demand, point-in-time
// recovery, a stream with both images for the indexer, TTL for sessions and one-time
// links, deletion protection from the parameter.
func TestTable(t *testing.T) {
	s := loadTemplate(t, nil)
	id := s.resourceOfType(t, "AWS::DynamoDB::Table")
	table, _ := s.GetDynamoDBTableWithName(id)
	want := storeTable(t)

	if table.BillingMode == nil || *table.BillingMode != string(want.BillingMode) {
		t.Errorf("BillingMode = %s, want %s", describe(table.BillingMode), want.BillingMode)
	}
	wantAttrs := map[string]string{}
	for _, a := range want.AttributeDefinitions {
		wantAttrs[*a.AttributeName] = string(a.AttributeType)
	}
	gotAttrs := map[string]string{}
	for _, a := range table.AttributeDefinitions {
		gotAttrs[a.AttributeName] = a.AttributeType
	}
	if fmt.Sprint(gotAttrs) != fmt.Sprint(wantAttrs) {
		t.Errorf("AttributeDefinitions = %v, want %v", gotAttrs, wantAttrs)
	}
	if got, want := templateKeys(table.KeySchema), storeKeys(want.KeySchema); got != want {
		t.Errorf("KeySchema = %s, want %s", got, want)
	}

	wantIndexes := map[string]string{}
	for _, g := range want.GlobalSecondaryIndexes {
		wantIndexes[*g.IndexName] = storeKeys(g.KeySchema) + "; " + storeProjection(g.Projection)
	}
	gotIndexes := map[string]string{}
	for _, g := range table.GlobalSecondaryIndexes {
		gotIndexes[g.IndexName] = templateKeys(g.KeySchema) + "; " + templateProjection(g.Projection)
	}
	for name, w := range wantIndexes {
		if g, ok := gotIndexes[name]; !ok {
			t.Errorf("index %s missing; the store creates %s", name, w)
		} else if g != w {
			t.Errorf("index %s:\n got  %s\n want %s", name, g, w)
		}
	}
	for name := range gotIndexes {
		if _, ok := wantIndexes[name]; !ok {
			t.Errorf("index %s is not one the store creates", name)
		}
	}
	if len(table.LocalSecondaryIndexes) != len(want.LocalSecondaryIndexes) {
		t.Errorf("%d local secondary indexes, the store creates %d", len(table.LocalSecondaryIndexes), len(want.LocalSecondaryIndexes))
	}

	if p := table.PointInTimeRecoverySpecification; p == nil || p.PointInTimeRecoveryEnabled == nil || !*p.PointInTimeRecoveryEnabled {
		t.Error("point-in-time recovery is not enabled")
	}
	if st := table.StreamSpecification; st == nil || st.StreamViewType != "NEW_AND_OLD_IMAGES" {
		t.Errorf("StreamSpecification = %+v, want NEW_AND_OLD_IMAGES", st)
	}
	if ttl := table.TimeToLiveSpecification; ttl == nil || !ttl.Enabled || ttl.AttributeName == nil || *ttl.AttributeName != "ttl" {
		t.Errorf("TimeToLiveSpecification = %+v, want enabled on ttl", ttl)
	}
	for param, want := range map[string]bool{"true": true, "false": false} {
		s := loadTemplate(t, map[string]any{"DeletionProtection": param})
		table, _ := s.GetDynamoDBTableWithName(id)
		if got := table.DeletionProtectionEnabled; got == nil || *got != want {
			t.Errorf("with DeletionProtection=%s: DeletionProtectionEnabled = %s, want %t", param, describe(got), want)
		}
	}
	if table.AWSCloudFormationDeletionPolicy != "Retain" && table.AWSCloudFormationDeletionPolicy != "Snapshot" {
		t.Errorf("DeletionPolicy = %q, want Retain or Snapshot", table.AWSCloudFormationDeletionPolicy)
	}
}

// TestBucket checks the bucket: private, encrypted, versioned, old index snapshots and
// old versions expire, presigned uploads from the site's origin.
func TestBucket(t *testing.T) {
	s := loadTemplate(t, nil)
	b, _ := s.GetS3BucketWithName(s.resourceOfType(t, "AWS::S3::Bucket"))

	pab := b.PublicAccessBlockConfiguration
	if pab == nil || !isTrue(pab.BlockPublicAcls) || !isTrue(pab.BlockPublicPolicy) || !isTrue(pab.IgnorePublicAcls) || !isTrue(pab.RestrictPublicBuckets) {
		t.Errorf("PublicAccessBlockConfiguration = %+v, want all four true", pab)
	}
	if enc := b.BucketEncryption; enc == nil || len(enc.ServerSideEncryptionConfiguration) == 0 ||
		enc.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault == nil ||
		!slices.Contains([]string{"AES256", "aws:kms", "aws:kms:dsse"}, enc.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm) {
		t.Errorf("BucketEncryption = %+v, want SSE-S3 or SSE-KMS", enc)
	}
	if v := b.VersioningConfiguration; v == nil || v.Status != "Enabled" {
		t.Errorf("VersioningConfiguration = %+v, want Enabled", v)
	}

	var indexRule, everywhereRule, uploadsRule bool
	if b.LifecycleConfiguration != nil {
		for _, r := range b.LifecycleConfiguration.Rules {
			if r.Status != "Enabled" || r.NoncurrentVersionExpiration == nil {
				continue
			}
			switch {
			case r.Prefix != nil && *r.Prefix == "uploads/":
				uploadsRule = r.ExpirationInDays != nil && *r.ExpirationInDays == 1 && r.NoncurrentVersionExpiration.NoncurrentDays <= 1
			case r.Prefix != nil && *r.Prefix == "index/":
				indexRule = true
			case r.Prefix == nil && r.TagFilters == nil:
				everywhereRule = true
			}
		}
	}
	if !indexRule || !everywhereRule {
		t.Errorf("lifecycle: rule expiring old index snapshots under index/ %t, rule expiring noncurrent versions everywhere %t; want both", indexRule, everywhereRule)
	}
	if !uploadsRule {
		t.Errorf("lifecycle: want a rule expiring unconfirmed uploads under uploads/ after a day, with their noncurrent versions")
	}

	var upload bool
	if b.CorsConfiguration != nil {
		for _, r := range b.CorsConfiguration.CorsRules {
			if slices.Equal(r.AllowedMethods, []string{"POST"}) && len(r.AllowedOrigins) == 1 && ref(r.AllowedOrigins[0]) == "AllowedOrigin" {
				upload = true
			}
		}
	}
	if !upload {
		t.Errorf("CORS: want a rule allowing POST (presigned POST uploads by the pages' script) from the AllowedOrigin parameter only")
	}
}

func isTrue(b *bool) bool { return b != nil && *b }

// TestAlarms checks for alarms on each function's errors and throttles and on the
// indexer's iterator age, each with an action.
func TestAlarms(t *testing.T) {
	s := loadTemplate(t, nil)
	have := map[string]bool{} // "<function id> <metric>"
	for id, a := range s.GetAllCloudWatchAlarmResources() {
		if len(a.AlarmActions) == 0 {
			t.Errorf("alarm %s has no AlarmActions", id)
		}
		if a.Namespace == nil || *a.Namespace != "AWS/Lambda" || a.MetricName == nil {
			continue
		}
		for _, d := range a.Dimensions {
			if d.Name == "FunctionName" {
				have[ref(d.Value)+" "+*a.MetricName] = true
			}
		}
	}
	for _, fn := range s.functions(t) {
		metrics := []string{"Errors", "Throttles"}
		if fn.id == "IndexerFunction" {
			metrics = append(metrics, "IteratorAge")
		}
		for _, m := range metrics {
			if !have[fn.id+" "+m] {
				t.Errorf("no alarm on %s of %s", m, fn.id)
			}
		}
	}
}

// TestParametersAndOutputs checks the parameters an installation sets, the outputs it
// needs, and that nothing names a fixed account, region or partition.
func TestParametersAndOutputs(t *testing.T) {
	s := loadTemplate(t, nil)
	for _, p := range []string{"Stage", "AllowedOrigin", "MailSender", "DeletionProtection", "BootstrapAdminEmail"} {
		if _, ok := s.Parameters[p]; !ok {
			t.Errorf("parameter %s missing", p)
		}
	}
	for _, o := range []string{"ApiUrl", "TableName", "BucketName"} {
		if _, ok := s.Outputs[o]; !ok {
			t.Errorf("output %s missing", o)
		}
	}
	data, err := os.ReadFile(templatePath)
	if err != nil {
		t.Fatal(err)
	}
	for _, fixed := range []*regexp.Regexp{
		regexp.MustCompile(`\b\d{12}\b`),                         // account id
		regexp.MustCompile(`\b[a-z]{2}(-gov)?-[a-z]+-\d{1,2}\b`), // region
		regexp.MustCompile(`arn:aws(-[a-z]+)?:`),                 // partition
		regexp.MustCompile(`amazonaws\.com`),                     // URL suffix
	} {
		if m := fixed.Find(data); m != nil {
			t.Errorf("template names %q: use AWS::AccountId, AWS::Region, AWS::Partition, AWS::URLSuffix", m)
		}
	}
}

package dynamo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// tableWait bounds how long CreateTable waits for a new table to become active.
const tableWait = 5 * time.Minute

// CreateTable creates the store's table with its indexes, billed on demand, and waits until
// it is active. A table of that name that exists already is left as it is. The deployed
// table is defined in the SAM template with the same keys and indexes; this is for tests
// and local tooling. Streams with new and old images, as in the template, are requested
// as well; stand-ins without streams ignore that.
func (s *Store) CreateTable(ctx context.Context) error {
	listed := &types.Projection{
		ProjectionType:   types.ProjectionTypeInclude,
		NonKeyAttributes: listAttributes(),
	}
	_, err := s.db.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:   aws.String(s.table),
		BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{
			stringAttribute(attrPK), stringAttribute(attrSK),
			stringAttribute(attrGSI1PK), stringAttribute(attrGSI1SK),
			stringAttribute(attrGSI2PK), stringAttribute(attrGSI2SK),
			stringAttribute(attrGSI3PK), stringAttribute(attrGSI3SK),
		},
		KeySchema: keySchema(attrPK, attrSK),
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{
			{IndexName: aws.String(indexByState), KeySchema: keySchema(attrGSI1PK, attrGSI1SK), Projection: listed},
			{IndexName: aws.String(indexByMunicipality), KeySchema: keySchema(attrGSI2PK, attrGSI2SK), Projection: listed},
			{
				IndexName:  aws.String(indexAllEntries),
				KeySchema:  keySchema(attrGSI3PK, attrGSI3SK),
				Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly},
			},
		},
		StreamSpecification: &types.StreamSpecification{
			StreamEnabled:  aws.Bool(true),
			StreamViewType: types.StreamViewTypeNewAndOldImages, // as in template.yaml
		},
	})
	var exists *types.ResourceInUseException
	if err != nil && !errors.As(err, &exists) {
		return fmt.Errorf("dynamo: create table %s: %w", s.table, err)
	}
	waiter := dynamodb.NewTableExistsWaiter(s.db, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = 100*time.Millisecond, 5*time.Second
	})
	if err := waiter.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(s.table)}, tableWait); err != nil {
		return fmt.Errorf("dynamo: wait for table %s: %w", s.table, err)
	}
	return nil
}

func stringAttribute(name string) types.AttributeDefinition {
	return types.AttributeDefinition{AttributeName: aws.String(name), AttributeType: types.ScalarAttributeTypeS}
}

func keySchema(hash, rangeKey string) []types.KeySchemaElement {
	return []types.KeySchemaElement{
		{AttributeName: aws.String(hash), KeyType: types.KeyTypeHash},
		{AttributeName: aws.String(rangeKey), KeyType: types.KeyTypeRange},
	}
}

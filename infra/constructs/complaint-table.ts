/**
 * The one table of a region: keys, indexes, TTL and stream from TABLE (the same shape the
 * local runtime creates on DynamoDB Local), encrypted with a key the bank controls, and kept
 * when the stack goes: complaint records are regulated evidence.
 */
import { CrossStackReferences, ReferenceStrength, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { TABLE } from '../../functions/adapters/table-schema.ts';
import type { RegionConfig } from '../../functions/domain/regions.ts';

export interface ComplaintTableProps {
  region: RegionConfig;
}

const stringKey = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });

export class ComplaintTable extends Construct {
  readonly table: dynamodb.TableV2;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: ComplaintTableProps) {
    super(scope, id);

    this.key = new kms.Key(this, 'Key', {
      description: `Complaint table (${props.region.name})`,
      enableKeyRotation: true,
      // Without the key the retained table (and its PITR backups) cannot be read.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: stringKey(TABLE.partitionKey),
      sortKey: stringKey(TABLE.sortKey),
      billing: dynamodb.Billing.onDemand(),
      globalSecondaryIndexes: Object.values(TABLE.indexes).map((index) => ({
        indexName: index.name,
        partitionKey: stringKey(index.partitionKey),
        sortKey: stringKey(index.sortKey),
        projectionType: dynamodb.ProjectionType[index.projection],
        ...(index.projection === 'INCLUDE' ? { nonKeyAttributes: [...index.include] } : {}),
      })),
      timeToLiveAttribute: TABLE.ttlAttribute,
      // NEW_AND_OLD_IMAGES: the archive writes the full record of an item that TTL removes.
      dynamoStream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(this.key),
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Consumers in the stateless stack read the table and key ARNs through CloudFormation
    // exports (strong references), whatever the app-wide default: an export cannot be removed
    // while a stack uses it, and exports exist in every partition, aws-cn included.
    CrossStackReferences.of(this.table).produce(ReferenceStrength.STRONG);
    CrossStackReferences.of(this.key).produce(ReferenceStrength.STRONG);
  }
}

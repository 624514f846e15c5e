/**
 * What a region must never lose: the complaint table and its key. Kept apart from the
 * functions and the API so that those can be replaced, or the stack deleted, without
 * touching data (everything here is retained on delete).
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { RegionConfig } from '../../functions/domain/regions.ts';
import { ComplaintTable } from '../constructs/complaint-table.ts';

export interface StatefulStackProps extends StackProps {
  region: RegionConfig;
}

export class StatefulStack extends Stack {
  readonly table: dynamodb.TableV2;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    this.table = new ComplaintTable(this, 'ComplaintTable', { region: props.region }).table;
  }
}

/** The SMTP relay's credentials: a Secrets Manager secret {"username", "password"}, read once per process. */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { clientConfig, traced } from './aws-clients.ts';

export async function smtpCredentials(secretArn: string): Promise<{ user: string; pass: string }> {
  const client = traced(new SecretsManagerClient(clientConfig()));
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  const parsed = JSON.parse(out.SecretString ?? '{}') as { username?: unknown; password?: unknown };
  if (typeof parsed.username !== 'string' || typeof parsed.password !== 'string') throw new Error('The SMTP relay secret must hold {"username": ..., "password": ...}');
  return { user: parsed.username, pass: parsed.password };
}

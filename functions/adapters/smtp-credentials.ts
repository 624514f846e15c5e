/**
 * Mail server credentials: a Secrets Manager secret {"username", "password"}, read by ARN. The
 * SMTP relay (DeliverMessages) and the complaints mailbox (MailboxPoller) each have their own.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { clientConfig, traced } from './aws-clients.ts';

/** The username and password of the secret; `what` names it in the error (never the secret's value). */
export async function mailCredentials(secretArn: string, what: string): Promise<{ user: string; pass: string }> {
  const client = traced(new SecretsManagerClient(clientConfig()));
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  let parsed: { username?: unknown; password?: unknown } = {};
  try {
    parsed = JSON.parse(out.SecretString ?? '{}') as typeof parsed;
  } catch {
    /* reported below */
  }
  if (typeof parsed.username !== 'string' || typeof parsed.password !== 'string')
    throw new Error(`The ${what} secret must hold {"username": ..., "password": ...}`);
  return { user: parsed.username, pass: parsed.password };
}

export function smtpCredentials(secretArn: string): Promise<{ user: string; pass: string }> {
  return mailCredentials(secretArn, 'SMTP relay');
}

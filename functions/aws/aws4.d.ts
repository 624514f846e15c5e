/** The part of aws4 (SigV4 signer, no types of its own) that ./signed-request.ts uses. */
declare module 'aws4' {
  interface SignableRequest {
    host?: string;
    port?: string | number;
    path?: string;
    method?: string;
    headers?: Record<string, string | number>;
    body?: string | Uint8Array;
    service?: string;
    region?: string;
    /** Presigning: the signature and its parameters go in the query string. */
    signQuery?: boolean;
  }
  interface SignedRequest extends SignableRequest { path: string; headers: Record<string, string | number> }
  interface Credentials { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  export function sign(request: SignableRequest, credentials?: Credentials): SignedRequest;
  const aws4: { sign: typeof sign };
  export default aws4;
}

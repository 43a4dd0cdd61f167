import type { ClientOptions } from 'google-gax';

/**
 * Options for the Google Cloud clients (Secret Manager, Cloud Tasks). Empty in production:
 * Google's endpoints and the instance's credentials. With GOOGLE_API_EMULATOR_HOST (tests
 * and the deploy simulation only) the clients talk plaintext gRPC to a local stand-in, so
 * the very code that runs in production — the same client, the same requests — is what is
 * exercised. Cloud Storage's client has its own switch (STORAGE_EMULATOR_HOST).
 */
export async function googleClientOptions(
  emulatorHost: string | undefined,
): Promise<ClientOptions> {
  if (!emulatorHost) return {};
  const { grpc } = await import('google-gax');
  const [host = '127.0.0.1', port = '0'] = emulatorHost.split(':');
  return {
    apiEndpoint: host,
    port: Number(port),
    sslCreds: grpc.credentials.createInsecure(),
  };
}

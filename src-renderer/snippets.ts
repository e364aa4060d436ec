// Copy-ready configuration for apps that sign in against the sandbox. Pure functions of the
// overview, so what the console shows is exactly what the user pastes.
import type { SandboxClient } from './api/sandbox'

export const OIDC_SCOPES = 'openid offline_access'

const str = (value: string) => JSON.stringify(value)

export function firstRedirectUri(client: SandboxClient): string {
  return client.redirect_uris[0] ?? 'http://localhost:3000/auth-redirect'
}

/** The @authgear/web SDK in a browser app, with refresh-token sessions. */
export function authgearWebSnippet(issuer: string, client: SandboxClient): string {
  return `import authgear from "@authgear/web";

await authgear.configure({
  endpoint: ${str(issuer)},
  clientID: ${str(client.client_id)},
  sessionType: "refresh_token",
});

// Sign in: sends the browser to the sandbox's login page.
await authgear.startAuthentication({
  redirectURI: ${str(firstRedirectUri(client))},
});

// On the page at the redirect URI:
await authgear.finishAuthentication();
`
}

/** Any OpenID Connect relying party, shown with openid-client 6 in Node. */
export function openidClientSnippet(issuer: string, client: SandboxClient): string {
  const credentials = client.client_secret
    ? `  process.env.CLIENT_SECRET, // the client secret of ${str(client.client_id)}, shown above
  undefined,`
    : `  undefined,
  client.None(), // a public client: no secret, PKCE only`
  return `import * as client from "openid-client";

const config = await client.discovery(
  new URL(${str(issuer)}),
  ${str(client.client_id)},
${credentials}
  { execute: [client.allowInsecureRequests] }, // the sandbox serves plain http
);

// 1. Send the user to the sandbox to sign in.
const codeVerifier = client.randomPKCECodeVerifier();
const authorizationUrl = client.buildAuthorizationUrl(config, {
  redirect_uri: ${str(firstRedirectUri(client))},
  scope: ${str(OIDC_SCOPES)},
  code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
  code_challenge_method: "S256",
});

// 2. Back at the redirect URI, exchange the code for tokens
//    (currentUrl: the full URL the browser was redirected to, as a URL object).
const tokens = await client.authorizationCodeGrant(config, currentUrl, {
  pkceCodeVerifier: codeVerifier,
});
console.log(tokens.claims());
`
}

/** A redirect URI of the client on `port` (a dev server's usual port), else its first one. */
export function redirectUriOnPort(client: SandboxClient, port: number): string {
  return client.redirect_uris.find((u) => {
    try {
      return new URL(u).port === String(port)
    } catch {
      return false
    }
  }) ?? firstRedirectUri(client)
}

export type Platform = 'web' | 'react' | 'vue' | 'angular' | 'react-native' | 'flutter' | 'ios' | 'android'

export interface PlatformInfo {
  label: string
  /** Which kind of client it signs in with. */
  clientType: 'spa' | 'native'
  /** Usual dev-server port (picks the matching pre-registered redirect URI). */
  port?: number
  install: string
  language: string
}

export const PLATFORMS: Record<Platform, PlatformInfo> = {
  web: { label: 'Web (JavaScript)', clientType: 'spa', port: 3000, install: 'npm install @authgear/web', language: 'JavaScript' },
  react: { label: 'React', clientType: 'spa', port: 5173, install: 'npm install @authgear/web', language: 'TypeScript (React)' },
  vue: { label: 'Vue', clientType: 'spa', port: 5173, install: 'npm install @authgear/web', language: 'TypeScript (Vue)' },
  angular: { label: 'Angular', clientType: 'spa', port: 4200, install: 'npm install @authgear/web', language: 'TypeScript (Angular)' },
  'react-native': { label: 'React Native', clientType: 'native', install: 'npm install @authgear/react-native', language: 'JavaScript' },
  flutter: { label: 'Flutter', clientType: 'native', install: 'flutter pub add flutter_authgear', language: 'Dart' },
  ios: { label: 'iOS', clientType: 'native', install: 'Swift Package Manager: https://github.com/authgear/authgear-sdk-ios.git', language: 'Swift' },
  android: {
    label: 'Android',
    clientType: 'native',
    install: "repositories { maven { url 'https://jitpack.io' } }\ndependencies { implementation 'com.github.authgear:authgear-sdk-android:<version>' }",
    language: 'Java',
  },
}

/** Used in mobile snippets when no native-app client exists yet. */
export const NATIVE_PLACEHOLDER = { clientId: '<client ID of a native app client>', redirectUri: 'com.example.myapp://host/path' }

/** Copy-ready sign-in code for one Authgear SDK, for this sandbox and client. */
export function sdkSnippet(platform: Platform, issuer: string, client: SandboxClient | null): string {
  const info = PLATFORMS[platform]
  const clientId = client?.client_id ?? NATIVE_PLACEHOLDER.clientId
  const redirect = client ? (info.port ? redirectUriOnPort(client, info.port) : firstRedirectUri(client)) : NATIVE_PLACEHOLDER.redirectUri
  const configure = `{
  endpoint: ${str(issuer)},
  clientID: ${str(clientId)},
  sessionType: "refresh_token",
}`
  switch (platform) {
    case 'web':
      return client ? authgearWebSnippet(issuer, client) : ''
    case 'react':
      return `// src/main.tsx: configure once, before the first render.
import { useEffect } from "react";
import { createRoot } from "react-dom/client";
import authgear from "@authgear/web";
import App from "./App";

await authgear.configure(${configure});
createRoot(document.getElementById("root")!).render(<App />);

// A sign-in button:
export function SignInButton() {
  return (
    <button onClick={() => authgear.startAuthentication({ redirectURI: ${str(redirect)} })}>
      Sign in
    </button>
  );
}

// The component of the route at the redirect URI:
export function AuthRedirect() {
  useEffect(() => {
    authgear.finishAuthentication().then(({ userInfo }) => console.log(userInfo.sub));
  }, []);
  return <p>Signing in…</p>;
}
`
    case 'vue':
      return `// src/main.ts: configure once, before mounting.
import { createApp } from "vue";
import authgear from "@authgear/web";
import App from "./App.vue";

await authgear.configure(${configure});
createApp(App).mount("#app");

// Sign in (e.g. in a button's click handler):
await authgear.startAuthentication({ redirectURI: ${str(redirect)} });

// In the component of the route at the redirect URI (import { onMounted } from "vue"):
onMounted(async () => {
  const { userInfo } = await authgear.finishAuthentication();
  console.log(userInfo.sub);
});
`
    case 'angular':
      return `// src/main.ts: configure once, then bootstrap.
import { bootstrapApplication } from "@angular/platform-browser";
import authgear from "@authgear/web";
import { AppComponent } from "./app/app.component";
import { appConfig } from "./app/app.config";

authgear
  .configure(${configure.replace(/\n/g, '\n  ')})
  .then(() => bootstrapApplication(AppComponent, appConfig));

// Sign in, in a component:
signIn() {
  authgear.startAuthentication({ redirectURI: ${str(redirect)} });
}

// In the component of the route at the redirect URI:
async ngOnInit() {
  const { userInfo } = await authgear.finishAuthentication();
  console.log(userInfo.sub);
}
`
    case 'react-native':
      return `import authgear from "@authgear/react-native";

// Once, when the app starts:
await authgear.configure({
  endpoint: ${str(issuer)},
  clientID: ${str(clientId)},
});

// Sign in: opens the sandbox's sign-in page, returns through the redirect URI.
const { userInfo } = await authgear.authenticate({
  redirectURI: ${str(redirect)},
});
console.log(userInfo.sub);
`
    case 'flutter':
      return `import 'package:flutter_authgear/flutter_authgear.dart';

final authgear = Authgear(
  endpoint: ${str(issuer)},
  clientID: ${str(clientId)},
);

// Once, when the app starts:
await authgear.configure();

// Sign in: opens the sandbox's sign-in page, returns through the redirect URI.
final userInfo = await authgear.authenticate(
  redirectURI: ${str(redirect)},
);
print(userInfo.sub);
`
    case 'ios':
      return `import Authgear

let authgear = Authgear(clientId: ${str(clientId)}, endpoint: ${str(issuer)})

// Once, when the app starts:
authgear.configure() { result in
    if case let .failure(error) = result { print("configure failed", error) }
}

// Sign in: opens the sandbox's sign-in page, returns through the redirect URI
// (register its scheme under URL Types in Info.plist).
authgear.authenticate(redirectURI: ${str(redirect)}) { result in
    switch result {
    case let .success(userInfo):
        print("signed in as", userInfo.sub)
    case let .failure(error):
        print("sign-in failed", error)
    }
}
`
    case 'android':
      return `// In your Application class, once:
Authgear authgear = new Authgear(getApplication(), ${str(clientId)}, ${str(issuer)});
authgear.configure(new OnConfigureListener() {
    @Override
    public void onConfigured() {}

    @Override
    public void onConfigurationFailed(@NonNull Throwable throwable) {
        Log.d("authgear", throwable.toString());
    }
});

// Sign in (from a view model): opens the sandbox's sign-in page, returns through the
// redirect URI (declare it on com.oursky.authgear.OauthRedirectActivity in AndroidManifest.xml).
AuthenticateOptions options = new AuthenticateOptions(${str(redirect)});
authgear.authenticate(options, new OnAuthenticateListener() {
    @Override
    public void onAuthenticated(@Nullable UserInfo userInfo) {
        Log.d("authgear", "signed in as " + userInfo.getSub());
    }

    @Override
    public void onAuthenticationFailed(@NonNull Throwable throwable) {
        Log.d("authgear", throwable.toString());
    }
});
`
  }
}

export const endpointLabels: Record<string, string> = {
  discovery: 'Discovery document',
  authorization: 'Authorization endpoint',
  token: 'Token endpoint',
  userinfo: 'UserInfo endpoint',
  jwks: 'JWKS',
  revocation: 'Revocation endpoint',
  end_session: 'End session endpoint',
  resolver: 'Resolver endpoint',
  admin_graphql: 'Admin API (GraphQL)',
}

export function applicationTypeLabel(type: string): string {
  switch (type) {
    case 'spa':
      return 'Single-page app (public)'
    case 'confidential':
      return 'Confidential (server-side, with secret)'
    case 'traditional_webapp':
      return 'Traditional web app'
    case 'native':
      return 'Native app (public)'
    default:
      return type
  }
}

/**
 * The installed app opened without a connection to the server (offline, or the server down): said plainly,
 * while AuthSession keeps trying by itself.
 */
export function OfflineScreen() {
  return (
    <main className="splash splash--offline" aria-busy="true" data-screen="offline">
      <span className="topbar__logo" aria-hidden="true" />
      <h1 className="splash__title">No connection to the server — retrying</h1>
      <p>Squelch opens by itself as soon as the server can be reached. Check Wi-Fi or mobile data.</p>
    </main>
  );
}

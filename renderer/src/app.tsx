export function App() {
  return (
    <main>
      <h1>mxaudit</h1>
      <p>Mail server security tester. Use the command line (`mxaudit probe`) until the desktop screens land.</p>
    </main>
  );
}

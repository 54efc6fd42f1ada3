// Renderer entry. The screens arrive with the desktop-app issue.
import { createRoot } from 'react-dom/client';
import { App } from './app.js';

createRoot(document.getElementById('root')!).render(<App />);

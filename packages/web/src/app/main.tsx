import { createRoot } from 'react-dom/client';
import { App } from './App';
import { BUILD_ID, registerServiceWorker } from './pwa/serviceWorker';
import './styles/base.css';
import './styles/shell.css';
import './styles/channels.css';
import './styles/ptt.css';
import './styles/console.css';
import './styles/settings.css';
import './emergency/emergency.css';
import './history/history.css';

const root = document.getElementById('root');
if (root === null) throw new Error('The page has no #root element.');
// No StrictMode: its development double mount would open and close a real connection and microphone twice.
createRoot(root).render(<App />);
document.documentElement.dataset.build = BUILD_ID;
registerServiceWorker();

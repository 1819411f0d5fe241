import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './i18n';
import './styles.css';
import { App } from './App';
import { startDashboard } from './dashboard/firstScreen';

// the first screen's data and code are asked for before React starts, not when it reaches them; on the dashboard
// React starts once the page's code is here (a few tens of milliseconds)
void startDashboard(window.location.pathname).then(() =>
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  ),
);

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../i18n';
import './app.css';
import { WorkerApp } from './WorkerApp';
import { registerWorkerAppServiceWorker } from './pwa/register';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <WorkerApp />
  </StrictMode>,
);
registerWorkerAppServiceWorker();

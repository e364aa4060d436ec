import { createApp } from 'vue'
import { createPinia } from 'pinia'
import { captureConsoleToken } from './api/consoleToken'
import App from './App.vue'
import './styles.css'

// Before anything renders: take the token out of the address bar (it stays in this tab only).
captureConsoleToken()

createApp(App).use(createPinia()).mount('#app')

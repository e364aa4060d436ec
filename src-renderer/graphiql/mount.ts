// GraphiQL (a React component) inside the Vue console: loaded only when its view opens, with
// its stylesheet put in the page while it is shown and taken out when it closes, so it never
// touches the other views. Monaco's workers come from the console's own origin (Vite emits them).
import 'graphiql/setup-workers/vite'
import { createElement, type ComponentProps } from 'react'
import { createRoot } from 'react-dom/client'
import { GraphiQL } from 'graphiql'
import css from 'graphiql/style.css?inline'

type Fetcher = ComponentProps<typeof GraphiQL>['fetcher']

export interface GraphiQLOptions {
  /** Runs one GraphQL request with the Admin API token and answers the parsed JSON body. */
  run: (body: { query: string; variables?: unknown; operationName?: string | null }) => Promise<unknown>
  tabs: { query: string; variables: string }[]
}

/** Mounts GraphiQL into `el`; the returned function unmounts it and removes its styles. */
export function mountGraphiQL(el: HTMLElement, options: GraphiQLOptions): () => void {
  const style = document.createElement('style')
  style.dataset.graphiql = ''
  style.textContent = css
  document.head.append(style)

  const fetcher: Fetcher = (params) => options.run({ query: params.query, variables: params.variables, operationName: params.operationName ?? null }) as ReturnType<Fetcher>
  // GraphiQL fills the first tab's variables from `initialVariables`, not from `defaultTabs`; only
  // when it has no saved tabs of its own (it keeps the user's tabs in localStorage).
  const fresh = localStorage.getItem('graphiql:tabState') === null
  const root = createRoot(el)
  root.render(
    createElement(GraphiQL, {
      fetcher,
      defaultTabs: options.tabs,
      ...(fresh && options.tabs[0] ? { initialVariables: options.tabs[0].variables } : {}),
      defaultEditorToolsVisibility: 'variables',
      isHeadersEditorEnabled: false,
      // The console follows the system's colour scheme; so does GraphiQL inside it.
      forcedTheme: window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light',
      shouldPersistHeaders: false,
    }),
  )
  return () => {
    root.unmount()
    style.remove()
    // GraphiQL marks <body> with its theme; the console has no use for it.
    document.body.classList.remove('graphiql-light', 'graphiql-dark')
  }
}

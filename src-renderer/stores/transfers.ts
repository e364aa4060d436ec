import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { useAdminStore } from './admin'
import { useServerStore } from './server'
import { SandboxApiError, type ExportField, type ExportProgress, type ExportTask, type ImportIdentifier, type ImportJob, type ImportOutcome, type ImportProgress, type ImportRequest } from '../api/sandbox'
import { parseImportFile } from '../transfers/importFile'

// User import and export as the wizards run them: the compatible Admin API endpoints with the
// console's admin token, and the sandbox's own dry run and progress with the console token.

/** How often a running job's progress is read. */
export const PROGRESS_POLL_MS = 400

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export type ImportStep = 'choose' | 'review' | 'running' | 'done'
export type OutcomeFilter = 'all' | ImportOutcome

export const useTransfersStore = defineStore('transfers', () => {
  const admin = useAdminStore()
  const server = useServerStore()
  const sandbox = () => {
    const api = server.api
    if (!api) throw new SandboxApiError(401, 'ConsoleTokenRequired', 'console token required')
    return api
  }

  // Import
  const importStep = ref<ImportStep>('choose')
  const fileName = ref<string | null>(null)
  const fileBytes = ref(0)
  const records = shallowRef<Record<string, unknown>[]>([])
  const identifier = ref<ImportIdentifier>('email')
  const upsert = ref(false)
  const fileError = ref<string | null>(null)
  const preview = shallowRef<ImportJob | null>(null)
  const previewing = ref(false)
  const importError = ref<string | null>(null)
  const importProgress = shallowRef<ImportProgress | null>(null)
  const importResult = shallowRef<ImportJob | null>(null)
  let importGeneration = 0

  const importRequest = computed<ImportRequest>(() => ({ identifier: identifier.value, upsert: upsert.value, records: records.value }))

  /** Reads a picked or dropped file; a valid one goes straight to the dry run. */
  async function loadFile(file: File): Promise<void> {
    resetImport()
    fileName.value = file.name
    fileBytes.value = file.size
    const parsed = parseImportFile(await file.text(), file.size)
    if ('error' in parsed) {
      fileError.value = parsed.error
      return
    }
    records.value = parsed.records
    if (parsed.identifier) identifier.value = parsed.identifier
    if (parsed.upsert !== undefined) upsert.value = parsed.upsert
    importStep.value = 'review'
    await dryRun()
  }

  /** The real import run over the records and rolled back: what each record would become. */
  async function dryRun(): Promise<void> {
    const mine = ++importGeneration
    previewing.value = true
    importError.value = null
    try {
      const result = await sandbox().importDryRun(importRequest.value)
      if (mine === importGeneration) preview.value = result
    } catch (e) {
      if (mine === importGeneration) {
        preview.value = null
        importError.value = e instanceof Error ? e.message : String(e)
      }
    } finally {
      if (mine === importGeneration) previewing.value = false
    }
  }

  async function runImport(): Promise<void> {
    const mine = ++importGeneration
    importStep.value = 'running'
    importError.value = null
    importProgress.value = null
    try {
      const created = await admin.api.rest<ImportJob>('POST', '/_api/admin/users/import', importRequest.value)
      // Progress from the sandbox while it runs; the compatible GET has the final details.
      for (;;) {
        if (mine !== importGeneration) return
        const p = await sandbox().importProgress(created.id)
        if (mine !== importGeneration) return
        importProgress.value = p
        if (p.status === 'completed' || p.status === 'interrupted') break
        await sleep(PROGRESS_POLL_MS)
      }
      for (;;) {
        const job = await admin.api.rest<ImportJob>('GET', `/_api/admin/users/import/${encodeURIComponent(created.id)}`)
        if (mine !== importGeneration) return
        if (job.status === 'completed') {
          importResult.value = job
          break
        }
        await sleep(PROGRESS_POLL_MS)
      }
      importStep.value = 'done'
    } catch (e) {
      if (mine !== importGeneration) return
      importError.value = e instanceof Error ? e.message : String(e)
      importStep.value = 'review'
    }
  }

  function resetImport(): void {
    importGeneration++
    importStep.value = 'choose'
    fileName.value = null
    fileBytes.value = 0
    records.value = []
    identifier.value = 'email'
    upsert.value = false
    fileError.value = null
    preview.value = null
    previewing.value = false
    importError.value = null
    importProgress.value = null
    importResult.value = null
  }

  // Export
  const exportFormat = ref<'ndjson' | 'csv'>('ndjson')
  const exportFields = ref<ExportField[]>([])
  const neutralizeFormulas = ref(false)
  const exportRunning = ref(false)
  const exportError = ref<string | null>(null)
  const exportProgress = shallowRef<ExportProgress | null>(null)
  const exportTask = shallowRef<ExportTask | null>(null)
  let exportGeneration = 0

  async function runExport(): Promise<void> {
    const mine = ++exportGeneration
    exportRunning.value = true
    exportError.value = null
    exportProgress.value = null
    exportTask.value = null
    try {
      const csv = exportFormat.value === 'csv'
      const fields = exportFields.value.map((f) => ({ pointer: f.pointer.trim(), ...(f.field_name?.trim() ? { field_name: f.field_name.trim() } : {}) }))
      const created = await sandbox().createExport({
        format: exportFormat.value,
        ...(csv && fields.length ? { csv: { fields } } : {}),
        ...(csv && neutralizeFormulas.value ? { neutralize_formulas: true } : {}),
      })
      for (;;) {
        const p = await sandbox().exportProgress(created.id)
        if (mine !== exportGeneration) return
        exportProgress.value = p
        if (p.status === 'completed' || p.status === 'failed') break
        await sleep(PROGRESS_POLL_MS)
      }
      await refreshDownload(created.id, mine)
    } catch (e) {
      if (mine === exportGeneration) exportError.value = e instanceof Error ? e.message : String(e)
    } finally {
      if (mine === exportGeneration) exportRunning.value = false
    }
  }

  /** The task as the compatible GET answers it, with a freshly signed download URL (valid 60 s). */
  async function refreshDownload(id = exportTask.value?.id, generation = exportGeneration): Promise<void> {
    if (!id) return
    const task = await admin.api.rest<ExportTask>('GET', `/_api/admin/users/export/${encodeURIComponent(id)}`)
    if (generation !== exportGeneration) return
    exportTask.value = task
    if (task.failed_at || task.error) exportError.value = task.error?.message ?? 'The export failed.'
  }

  return {
    importStep,
    fileName,
    fileBytes,
    records,
    identifier,
    upsert,
    fileError,
    preview,
    previewing,
    importError,
    importProgress,
    importResult,
    loadFile,
    dryRun,
    runImport,
    resetImport,
    exportFormat,
    exportFields,
    neutralizeFormulas,
    exportRunning,
    exportError,
    exportProgress,
    exportTask,
    runExport,
    refreshDownload,
  }
})

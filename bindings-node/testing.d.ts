// duo-directory/testing: the emulator classes (declared with the rest in index.d.ts).
export { Emulator, EmulatorOptions, FaultSettings, RecordedRequest } from './index'

// tsc does not copy assets: put the Lua scripts beside the compiled Redis adapter.
import { cpSync } from 'node:fs';

cpSync('src/store/redis/lua', 'dist/store/redis/lua', { recursive: true });

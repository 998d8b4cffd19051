// @database-free: opens no database, so it runs in the PGlite pass only (jest.config.js).
import { ConfigError, loadConfig } from '../src/config';

describe('configuration', () => {
  it('runs with nothing set: embedded database in ./data on port 3000', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, RAPPORT_DATA_DIR: './data', LOG_LEVEL: 'info' });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).PORT).toBe(3000);
  });

  it.each([
    ['PORT', 'eighty', /PORT/],
    ['PORT', '70000', /PORT/],
    ['DATABASE_URL', 'mysql://localhost/db', /DATABASE_URL: must be a postgres/],
    ['RAPPORT_SECRET', 'short', /RAPPORT_SECRET: must be at least 32 characters/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL/],
    ['RAPPORT_SEED_DEMO', 'maybe', /RAPPORT_SEED_DEMO/],
  ])('names the variable when %s=%s is invalid', (name, value, message) => {
    const attempt = () => loadConfig({ [name]: value });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
  });

  it('reads flags as booleans', () => {
    expect(loadConfig({ RAPPORT_SEED_DEMO: 'true' }).RAPPORT_SEED_DEMO).toBe(true);
    expect(loadConfig({ RAPPORT_SEED_DEMO: '0' }).RAPPORT_SEED_DEMO).toBe(false);
  });

  it('needs a database server for the postgres socket adapter, and a URL for redis', () => {
    expect(() => loadConfig({ SOCKET_ADAPTER: 'postgres' })).toThrow(/SOCKET_ADAPTER: postgres needs DATABASE_URL/);
    expect(() => loadConfig({ SOCKET_ADAPTER: 'redis' })).toThrow(/SOCKET_ADAPTER: redis needs REDIS_URL/);
    expect(loadConfig({ SOCKET_ADAPTER: 'redis', REDIS_URL: 'redis://127.0.0.1:6379' }).SOCKET_ADAPTER).toBe('redis');
  });
});

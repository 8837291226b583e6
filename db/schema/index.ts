export * from './identity';
export * from './resources';
export * from './settings';
export * from './schedules';
export * from './requests';
export * from './activity';
export * from './connectors';
export * from './sessions';

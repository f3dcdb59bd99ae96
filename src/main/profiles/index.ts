// Profiles: where each Daraja environment keeps its database, settings and credentials.
export { dataFolder } from './data-folder';
export {
  profileKinds,
  profileSettings,
  validateProfileName,
  readProfileSettings,
  defaultSendRatePerSecond,
  defaultConcurrency,
  type ProfileKind,
  type ProfileSettings,
  type CertificateChoice,
} from './profile';
export {
  createProfile,
  saveProfile,
  loadProfile,
  profileExists,
  listProfiles,
  profileDefaults,
  profileFolder,
  profilesFolder,
  profileDatabasePath,
  darajaBaseUrls,
  demoOrganisation,
  type NewProfile,
} from './store';
export {
  needsCredentials,
  saveProfileSecrets,
  readProfileSecrets,
  secretEnvironmentVariables,
  requiredCredentials,
  type DarajaSecrets,
  type CredentialName,
} from './secrets';

export { LoginBaselines, type AbnormalLoginFinding, type AbnormalLoginRule, type AccountBaseline, type LoginBaselineConfig, type LoginEvent } from './abnormal-login.js';

// What every failed sign-in says, by password or by single sign-on: the same words whatever went
// wrong (unknown e-mail, wrong password, disabled account, an identity that may not take over an
// account), so that the answer tells nobody which accounts exist or how they are set up.
export const SIGN_IN_FAILED = "That e-mail and password do not match an account.";

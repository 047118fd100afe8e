// What people read when a form is refused, by the API's error code.
export const ERROR_MESSAGES: Record<string, string> = {
  incorrect_login: "That name or password is not right.",
  registration_application_is_pending: "Your application is waiting for an admin. You can log in once it is approved.",
  registration_denied: "Your application was not approved.",
  deleted: "This account has been deleted.",
  registration_closed: "This site is not taking new accounts at the moment.",
  registration_application_answer_required: "Please answer the question.",
  passwords_do_not_match: "The two passwords are not the same.",
  invalid_password: "The password must be 10 to 60 characters long.",
  invalid_name: "The name must be 3 to 20 characters: a–z, 0–9 and _.",
  user_already_exists: "That name is taken.",
  email_already_exists: "That email address is already in use.",
  invalid_display_name: "The display name is too long or has characters that are not allowed.",
  bio_length_overflow: "The bio can be at most 300 characters long.",
  invalid_url: "Avatar and banner must be http:// or https:// addresses.",
  invalid_pronouns: "Choose at most two pronouns from the list.",
};

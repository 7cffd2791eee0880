export default {
  title: 'Sign in',
  username: 'Username',
  password: 'Password',
  signIn: 'Sign in',
  signOut: 'Sign out',
  wrong: 'Wrong username or password',
  tooMany: 'Too many attempts: try again in {seconds} s',
  required: 'Required',
  demoHint: 'Demo accounts: admin, xita, fuli, xita_station, zhongke, member; password louyu-demo',
  signInFirst: 'Please sign in first',
};

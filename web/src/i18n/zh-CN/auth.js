export default {
  title: '登录',
  username: '用户名',
  password: '密码',
  signIn: '登录',
  signOut: '退出登录',
  wrong: '用户名或密码错误',
  tooMany: '尝试次数过多，请 {seconds} 秒后再试',
  required: '请填写',
  demoHint: '演示账号：admin、xita、fuli、xita_station、zhongke、member，密码 louyu-demo',
  signInFirst: '请先登录',
};

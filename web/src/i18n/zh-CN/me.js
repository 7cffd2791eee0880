export default {
  title: '我的',
  language: '语言',
  account: '账号',
  roles: '角色',
  member: '党员档案',
  noMember: '此账号未关联党员档案',
  myActivities: '我报名的活动',
  myAttendance: '我的参与记录',
  calendarFeed: '订阅我的活动日历',
};

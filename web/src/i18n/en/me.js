export default {
  title: 'Me',
  language: 'Language',
  account: 'Account',
  roles: 'Roles',
  member: 'Member record',
  noMember: 'This account is not linked to a member record',
  myActivities: 'My sign-ups',
  myAttendance: 'My attendance',
  calendarFeed: 'Subscribe to my activities',
};
